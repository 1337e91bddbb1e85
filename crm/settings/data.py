"""PostgreSQL and Redis. Without DATABASE_URL / REDIS_URL, the local services under var/ that
`make run` and `make test` start (scripts/services.sh)."""

import dj_database_url

from crm.settings.env import VAR_DIR, env

_LOCAL_DATABASE = {
    "NAME": "crm",
    "USER": "postgres",
    "PASSWORD": "",
    "HOST": str(VAR_DIR / "postgres"),
    "PORT": "5432",
}

if env("DATABASE_URL"):
    _database = dj_database_url.parse(env("DATABASE_URL"), conn_max_age=60)
else:
    _database = dict(_LOCAL_DATABASE, CONN_MAX_AGE=60)
if env("CRM_DATABASE_NAME"):  # lets a test's live server reach the test database
    _database["NAME"] = env("CRM_DATABASE_NAME")
_database["ENGINE"] = "django_tenants.postgresql_backend"
ORIGINAL_BACKEND = "crm.db"  # Django's PostgreSQL without implicit "_like" indexes (crm/db/base.py)
_database.setdefault("OPTIONS", {})
_database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

REDIS_URL = env("REDIS_URL", f"unix://{VAR_DIR / 'redis' / 'redis.sock'}")


def redis_url(db: int) -> str:
    """The Redis URL for one logical database (cache, broker, channels each get their own)."""
    separator = "&" if "?" in REDIS_URL else "?"
    if REDIS_URL.startswith("unix://"):
        return f"{REDIS_URL}{separator}db={db}"
    base = REDIS_URL.rstrip("/")
    if base.count("/") > 2:  # a database number is already in the URL
        base = base.rsplit("/", 1)[0]
    return f"{base}/{db}"


CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": redis_url(1),
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
}
