"""Failed-login limits for every way to log in, kept by django-axes.

Axes sits in front of every ``authenticate()`` call (its backend comes first in
``AUTHENTICATION_BACKENDS``), so the site's login page, the admin's and any future one
share the same counts. Its database handler keeps them in the database, so every worker and
host sees the same numbers with or without Redis. Settings: ``AXES_*`` in ``settings.py``.

The policy, within 15 minutes of the last failure: 10 failures for one username from one
client address, 50 for one username from all addresses together, or 30 from one address for
any usernames (an office behind one NAT address shares it), refuse further attempts with 429
without checking the password.

Why a username is limited per address first: with one count per username, anybody who knows
a name (an admin's, a colleague's) could lock its owner out from everywhere with ten wrong
passwords every quarter of an hour. Counted per name and address, a guesser from one address
locks only itself out (and its address's 30 failures stop it long before the name's 50), while
the 50 from everywhere still bounds a guesser spread over many addresses. Whoever is locked
out can get back in at once by resetting the password: a successful reset forgets the
username's failures (``forget_username``), as a successful login does; neither forgets the
address's (one valid account must not reset a guesser's budget).
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import CharField, Sum, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

MAX_FAILURES_PER_USERNAME = 10  # for one username from one address
MAX_FAILURES_PER_USERNAME_ANYWHERE = 50  # for one username from all addresses together
MAX_FAILURES_PER_ADDRESS = 30  # from one address, whatever the usernames
WINDOW = timedelta(minutes=15)
THROTTLED_MESSAGE = "Too many failed attempts; try again in 15 minutes."


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

    Axes compares one failure count with one limit (``AXES_FAILURE_LIMIT``, the limit for a
    username at one address). ``AXES_LOCKOUT_PARAMETERS`` is
    ``[["username", "ip_address"], "username", "ip_address"]``, so axes gives us the attempts
    of the pair, of the username and of the address; the last two are expressed in pair units
    here, so each reaches the limit at its own number of failures.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        by_pair, by_username, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        unit = MAX_FAILURES_PER_USERNAME
        return max(
            by_pair,
            by_username * unit // MAX_FAILURES_PER_USERNAME_ANYWHERE,
            by_address * unit // MAX_FAILURES_PER_ADDRESS,
        )

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """On success, forget the failures of this username only."""
        return _forget(get_client_username(request, credentials))


def _forget(username: str) -> int:
    """Stop counting ``username``'s failures against it, while each still counts against
    the address it came from: the rows are kept under a name no login form can produce
    (usernames never hold a colon), so a guesser cannot refill an address's budget by
    logging in to, or resetting the password of, an account of their own."""
    return AccessAttempt.objects.filter(username=username).update(
        username=Concat(Value("forgotten:"), Cast("pk", CharField()))
    )


def forget_username(username: str) -> int:
    """Forget a username's failures, from every address (after a password reset: whoever
    chose the new password owns the account, so the block has done its job)."""
    return _forget(username_key(None, {"username": username}))


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
