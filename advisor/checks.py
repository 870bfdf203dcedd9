"""Start-up warnings about a production set-up that weakens the site's limits.

Rate limits other than logins count in the cache (``advisor.ratelimit``). Without a shared
cache (``REDIS_URL``) every gunicorn worker counts alone, so a limit of 20 becomes 20 per
worker and host. ``manage.py check --deploy`` reports it, and so does every production
process as it starts (``advisor/wsgi.py``), in its log.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import checks

logger = logging.getLogger("advisor")

PER_PROCESS_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)
NO_SHARED_CACHE = (
    "No shared cache is configured (REDIS_URL is not set): every worker counts share-link "
    "misses, sign-ups, password resets and invitations on its own, so each limit is "
    "multiplied by the number of workers and hosts. Set REDIS_URL in production. "
    "(Failed logins are counted in the database and are not affected.)"
)


def has_shared_cache() -> bool:
    return settings.CACHES["default"]["BACKEND"] not in PER_PROCESS_CACHES


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    if has_shared_cache():
        return []
    return [checks.Warning(NO_SHARED_CACHE, id="advisor.W001")]


def warn_at_start_up() -> None:
    """Called once per production process: say loudly what ``check --deploy`` would."""
    if not settings.DEBUG and not has_shared_cache():
        logger.warning("WARNING: %s", NO_SHARED_CACHE)
