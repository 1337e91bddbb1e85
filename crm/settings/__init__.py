"""Settings, split by concern. Every value that differs between machines comes from the environment."""

from crm.settings.api import *  # noqa: F403
from crm.settings.base import *  # noqa: F403
from crm.settings.data import *  # noqa: F403
from crm.settings.security import *  # noqa: F403
from crm.settings.tenancy import *  # noqa: F403
from crm.settings.workers import *  # noqa: F403
