from django.db import models


class AppStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DISABLED = "disabled", "Disabled"  # by an operator: its tokens are revoked in every tenant


class DataAccessLevel(models.TextChoices):
    """The scope of the permissions granted to an app. An app acts for no user, so the
    ownership scopes (own, team, department) have nothing to refer to: an app sees the tenant."""

    TENANT = "tenant", "Tenant"


class WidgetType(models.TextChoices):
    CHART = "chart", "Chart"
    METRIC = "metric", "Metric"
    TABLE = "table", "Table"
    LIST = "list", "List"


class WidgetSize(models.TextChoices):
    SMALL = "small", "Small"
    MEDIUM = "medium", "Medium"
    LARGE = "large", "Large"


class ChartType(models.TextChoices):
    LINE = "line", "Line"
    BAR = "bar", "Bar"
    PIE = "pie", "Pie"
    AREA = "area", "Area"
    FUNNEL = "funnel", "Funnel"


class AggregationOperation(models.TextChoices):
    SUM = "sum", "Sum"
    COUNT = "count", "Count"
    AVG = "avg", "Average"
    MIN = "min", "Minimum"
    MAX = "max", "Maximum"
