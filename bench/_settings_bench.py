"""The platform's settings, plus the bare view the list benchmark compares against."""

from crm.settings import *  # noqa: F403

ROOT_URLCONF = "bench._urls_bench"
