"""WSGI entry point: `gunicorn advisor.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")

application = get_wsgi_application()

from advisor.checks import warn_at_start_up  # noqa: E402 - needs the settings loaded

warn_at_start_up()
