"""Entry point for `celery -A celery_worker worker`: the same app as `crm.celery`."""

import django

django.setup()

from crm.celery import app  # noqa: E402

__all__ = ["app"]
