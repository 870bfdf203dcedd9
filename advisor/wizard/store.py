"""Find and save the visitor's wizard session in as few statements as the job needs.

Reading is one indexed SELECT by the cookie's token; saving an answer is one UPDATE (or
one INSERT for a new visitor). Django's session machinery is not involved, so anonymous
visitors cost no session row reads or writes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from advisor.wizard.models import WizardSession

COOKIE = "advisor_wizard"
COOKIE_AGE = 90 * 24 * 60 * 60
_SELECT_BY_KEY = "SELECT * FROM wizard_wizardsession WHERE token = %s"


def load(request: HttpRequest) -> WizardSession | None:
    token = request.COOKIES.get(COOKIE)
    if token and len(token) <= 64:
        # A raw query: every wizard request runs it, and compiling the ORM query cost
        # three times as much as running it.
        found = next(iter(WizardSession.objects.raw(_SELECT_BY_KEY, [token])), None)
        if found is not None:
            return found
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return WizardSession.objects.filter(user=user).order_by("-updated_at").first()
    return None


def save(
    request: HttpRequest,
    session: WizardSession | None,
    *,
    answers: dict[str, Any] | None = None,
    weights: dict[str, Any] | None = None,
    preset: str | None = None,
    workloads: list[dict[str, Any]] | None = None,
) -> WizardSession:
    """Store new answers/weights: an UPDATE of one row, or an INSERT for a first answer."""
    user = request.user if request.user.is_authenticated else None
    changes: dict[str, Any] = {}
    if answers is not None:
        changes["answers"] = answers
    if weights is not None:
        changes["weights"] = weights
    if preset is not None:
        changes["preset"] = preset
    if workloads is not None:
        changes["workloads"] = workloads
    if session is None:
        return WizardSession.objects.create(user=user, **changes)
    if user is not None and session.user_id is None:
        changes["user"] = user
    changes["updated_at"] = timezone.now()
    WizardSession.objects.filter(pk=session.pk).update(**changes)
    for field, value in changes.items():
        setattr(session, field, value)
    return session


def remember(response: HttpResponse, session: WizardSession) -> HttpResponse:
    """Tie the browser to its wizard session for 90 days."""
    response.set_cookie(
        COOKIE,
        session.pk,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def forget(response: HttpResponse) -> HttpResponse:
    response.delete_cookie(COOKIE, samesite="Lax")
    return response
