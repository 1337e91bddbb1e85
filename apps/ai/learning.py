"""Fitting and explaining the tenant's models (scikit-learn).

A model is a logistic regression on standardised factors: numbers and yes/no factors as they are
(counts and sizes log-scaled), categories one-hot (values seen fewer than MIN_CATEGORY_COUNT times
in training grouped as "other"), unknown numbers replaced by their training median. Logistic
regression was chosen over boosted trees because its answer splits exactly into one contribution
per factor (coefficient × standardised value, in log-odds, relative to the tenant's average
record): the key factors, points, risks and indicators the API shows are those contributions, not
canned text. With the small histories tenants have, it also overfits less.

Quality: 25% of the outcomes (stratified) are held out; the AUC and accuracy on them are stored
with the model, which is then refitted on every outcome. Uncertainty: BOOTSTRAP_REPLICATES refits
on resampled outcomes; the 5th-95th percentile of their answers is the interval the API shows.
"""

import io
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from apps.ai import factors as f
from apps.ai.selectors import Row

if TYPE_CHECKING:  # scikit-learn is imported when a model is fitted or loaded, not with the URLs
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

MIN_PER_CLASS = 20  # fewer converted (won) or fewer unconverted (lost) outcomes: the rules answer
MIN_CATEGORY_COUNT = 3
HOLDOUT_SHARE = 0.25
BOOTSTRAP_REPLICATES = 30
SEED = 20250125
ALGORITHM = "scikit-learn LogisticRegression (L2, C=1.0) on standardised factors"


class NotEnoughHistory(Exception):
    def __init__(self, positives: int, negatives: int) -> None:
        super().__init__(f"{positives} positive and {negatives} negative outcomes; {MIN_PER_CLASS} of each needed.")
        self.positives, self.negatives = positives, negatives


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


@dataclass
class Explanation:
    probability: float
    interval: tuple[float, float]
    intercept: float  # log-odds of the tenant's average record
    contributions: dict[str, float]  # per factor, log-odds relative to the average record
    values: dict[str, Any]  # the raw factor values used (None: unknown, imputed)


@dataclass
class FittedModel:
    """What is stored (joblib) for one trained model."""

    catalog: dict[str, f.Factor]
    medians: dict[str, float]
    vocabulary: dict[str, list[str]]
    vectorizer: "DictVectorizer"
    scaler: "StandardScaler"
    classifier: "LogisticRegression"
    replicates: np.ndarray  # (B, columns + 1): coefficients then intercept of each bootstrap fit
    column_factor: list[str] = field(default_factory=list)

    # -- encoding ----------------------------------------------------------------------------
    def encode(self, values: dict[str, Any]) -> dict[str, Any]:
        encoded: dict[str, Any] = {}
        for name, factor in self.catalog.items():
            raw = values.get(name)
            if factor.kind == f.CATEGORY:
                category = f.as_category(raw)
                kept = self.vocabulary.get(name, [])
                encoded[name] = category if category in kept else ("other" if category else "unknown")
            else:
                number = f.numeric_value(factor, raw)
                encoded[name] = self.medians.get(name, 0.0) if number is None else number
        return encoded

    def matrix(self, rows: list[dict[str, Any]]) -> np.ndarray:
        return self.scaler.transform(self.vectorizer.transform([self.encode(values) for values in rows]).toarray())

    # -- answers -----------------------------------------------------------------------------
    def explain(self, values: dict[str, Any]) -> Explanation:
        z = self.matrix([values])[0]
        coefficients = self.classifier.coef_[0]
        intercept = float(self.classifier.intercept_[0])
        contributions: dict[str, float] = {}
        for column, weight in enumerate(coefficients * z):
            name = self.column_factor[column]
            contributions[name] = contributions.get(name, 0.0) + float(weight)
        probability = sigmoid(intercept + sum(contributions.values()))
        logits = self.replicates[:, :-1] @ z + self.replicates[:, -1]
        bootstrap = [sigmoid(value) for value in logits]
        low, high = (float(np.percentile(bootstrap, q)) for q in (5, 95))
        interval = (min(low, probability), max(high, probability))
        return Explanation(probability, interval, intercept, contributions, values)


def _catalog_for(rows: list[Row], base: dict[str, f.Factor], group: str) -> dict[str, f.Factor]:
    """The base factors plus the tenant's numeric custom fields found in the rows (`cf_<name>`)."""
    catalog = dict(base)
    for row in rows:
        for name in row.values:
            if name.startswith("cf_") and name not in catalog:
                catalog[name] = f.Factor(name, f.NUMBER, group)
    return catalog


def _prepare(rows: list[Row], catalog: dict[str, f.Factor]) -> tuple[dict, dict]:
    medians: dict[str, float] = {}
    vocabulary: dict[str, list[str]] = {}
    for name, factor in catalog.items():
        if factor.kind == f.CATEGORY:
            counts: dict[str, int] = {}
            for row in rows:
                category = f.as_category(row.values.get(name))
                if category:
                    counts[category] = counts.get(category, 0) + 1
            vocabulary[name] = sorted(value for value, count in counts.items() if count >= MIN_CATEGORY_COUNT)
        else:
            known = [n for n in (f.numeric_value(factor, row.values.get(name)) for row in rows) if n is not None]
            medians[name] = float(np.median(known)) if known else 0.0
    return medians, vocabulary


def _classifier() -> "LogisticRegression":
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, max_iter=2000)


def fit(rows: list[Row], *, base: dict[str, f.Factor], group: str = "") -> tuple[FittedModel, dict]:
    """Fits on the labelled rows; raises NotEnoughHistory below MIN_PER_CLASS of either class.
    Answers the model and its holdout metrics."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.metrics import accuracy_score, roc_auc_score
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    labelled = [row for row in rows if row.label is not None]
    y = np.array([row.label for row in labelled])
    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    if positives < MIN_PER_CLASS or negatives < MIN_PER_CLASS:
        raise NotEnoughHistory(positives, negatives)
    catalog = _catalog_for(labelled, base, group)
    medians, vocabulary = _prepare(labelled, catalog)
    model = FittedModel(
        catalog, medians, vocabulary, DictVectorizer(sparse=True), StandardScaler(), _classifier(), np.zeros((0, 0))
    )
    encoded = [model.encode(row.values) for row in labelled]
    raw = model.vectorizer.fit_transform(encoded).toarray()
    model.column_factor = [name.split("=", 1)[0] for name in model.vectorizer.get_feature_names_out()]
    x = model.scaler.fit_transform(raw)

    train_x, test_x, train_y, test_y = train_test_split(x, y, test_size=HOLDOUT_SHARE, stratify=y, random_state=SEED)
    holdout = _classifier().fit(train_x, train_y)
    scores = holdout.predict_proba(test_x)[:, 1]
    metrics = {
        "auc": round(float(roc_auc_score(test_y, scores)), 4),
        "accuracy": round(float(accuracy_score(test_y, scores >= 0.5)), 4),
        "holdout_size": len(test_y),
        "training_size": len(train_y),
    }

    model.classifier.fit(x, y)
    rng = np.random.default_rng(SEED)
    replicates = []
    while len(replicates) < BOOTSTRAP_REPLICATES:
        sample = rng.integers(0, len(y), len(y))
        if len(set(y[sample])) < 2:
            continue
        fitted = _classifier().fit(x[sample], y[sample])
        replicates.append([*fitted.coef_[0], fitted.intercept_[0]])
    model.replicates = np.array(replicates)
    return model, {"positives": positives, "negatives": negatives, **metrics}


def dumps(model: FittedModel) -> bytes:
    import joblib

    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    return buffer.getvalue()


def loads(blob: bytes) -> FittedModel:
    """Only ever reads bytes this module wrote into the tenant's own schema."""
    import joblib

    return joblib.load(io.BytesIO(bytes(blob)))  # noqa: S301 (our own artefact, never user input)
