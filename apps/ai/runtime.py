"""The model an answer uses: the tenant's current trained model of that kind, else the rules.

Loaded models are kept per process, keyed by schema and model id: a new version (another id) is
loaded on first use, and one tenant's model can never answer for another.
"""

import logging
from collections import OrderedDict
from dataclasses import dataclass

from django.db import connection

from apps.ai import learning
from apps.ai.models import TrainedModel
from apps.ai.rules import RULES_VERSION

logger = logging.getLogger("crm.ai")
_CACHE: "OrderedDict[tuple[str, str], learning.FittedModel]" = OrderedDict()
_CACHE_SIZE = 32


def _iso(value) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def model_version(model: TrainedModel) -> str:
    return f"{model.kind}-{model.version}"


def trained_model_info(model: TrainedModel) -> dict:
    return {"type": "trained", "version": model_version(model), "trained_at": _iso(model.trained_at)}


RULES_INFO = {"type": "rules", "version": RULES_VERSION, "trained_at": None}


@dataclass
class InUse:
    fitted: learning.FittedModel | None
    info: dict
    record: TrainedModel | None = None


def model_in_use(kind: str) -> InUse:
    """One query (two when the version is not loaded in this process yet)."""
    record = TrainedModel.objects.filter(kind=kind, is_current=True).defer("blob").first()
    if record is None:
        return InUse(None, dict(RULES_INFO))
    key = (connection.schema_name, record.pk)
    fitted = _CACHE.get(key)
    if fitted is None:
        blob = TrainedModel.objects.filter(pk=record.pk).values_list("blob", flat=True).get()
        try:
            fitted = learning.loads(blob)
        except Exception:  # e.g. written by an incompatible library version: the rules answer until retrained
            logger.exception("ai: model %s of %s could not be loaded", record.pk, connection.schema_name)
            return InUse(None, dict(RULES_INFO))
        _CACHE[key] = fitted
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return InUse(fitted, trained_model_info(record), record)
