"""Failed-login limits for every way to log in, kept by django-axes.

Axes sits in front of every ``authenticate()`` call (its backend comes first in
``AUTHENTICATION_BACKENDS``), so the site's login page, the admin's and any future one
share the same counts. Its database handler keeps them in the database, so every worker and
host sees the same numbers with or without Redis. Settings: ``AXES_*`` in ``settings.py``.

The policy: 10 failures for one username, or 30 from one client address (an office behind
one NAT address shares it), within 15 minutes of the last failure, refuse further attempts
with 429 without checking the password. A successful login clears its username's failures,
not the address's (one valid account must not reset a guesser's budget).
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

MAX_FAILURES_PER_USERNAME = 10
MAX_FAILURES_PER_ADDRESS = 30
WINDOW = timedelta(minutes=15)
THROTTLED_MESSAGE = "Too many failed attempts; try again in a few minutes."


def username_key(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The name failures are counted under: the one the login form authenticates.

    Django's login form NFKC-normalises the username (a full-width "v" logs in as a plain one),
    and we also fold case and surrounding space, so no spelling of a name gets a budget of
    its own. Axes stores the result; a NUL could not be stored in PostgreSQL.
    """
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = getattr(request, "POST", {}).get("username")
    name = unicodedata.normalize("NFKC", str(raw or "")).casefold().strip()
    return name.replace("\x00", "")[:150]


class LoginAttempts(AxesDatabaseHandler):
    """Axes' database handler with one limit per username and another per address.

    Axes compares one failure count with one limit (``AXES_FAILURE_LIMIT``, the username
    limit). ``AXES_LOCKOUT_PARAMETERS`` is ``["username", "ip_address"]``, so its count is
    the larger of the two; the address's failures are expressed in username units here, so
    the address reaches the limit at ``MAX_FAILURES_PER_ADDRESS`` failures.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        by_username, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(by_username, by_address * MAX_FAILURES_PER_USERNAME // MAX_FAILURES_PER_ADDRESS)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """On success, forget the failures of this username only."""
        username = get_client_username(request, credentials)
        deleted, _ = AccessAttempt.objects.filter(username=username).delete()
        return deleted


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """429: the login page again, with the refusal and the form (``next`` kept)."""
    username = str(request.POST.get("username", ""))[:150]
    form = AuthenticationForm(request, initial={"username": username})
    next_url = str(request.POST.get("next") or request.GET.get("next") or "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    context = {"form": form, "throttled": THROTTLED_MESSAGE, "next": next_url}
    return render(request, "registration/login.html", context, status=429)
