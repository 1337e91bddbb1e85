from django.apps import AppConfig


class AiConfig(AppConfig):
    """Lead scoring, deal win probability and contact enrichment, learned from each tenant's history."""

    name = "apps.ai"
    label = "ai"
