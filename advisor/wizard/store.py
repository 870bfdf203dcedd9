"""Find and save the visitor's wizard session in as few statements as the job needs.

Reading is one indexed SELECT by the cookie's token; saving an answer is one UPDATE (or
one INSERT for a new visitor). Django's session machinery is not involved, so anonymous
visitors cost no session row reads or writes.

A browser may be shared, so a session is only ever loaded for the person it belongs to: an
anonymous session for anyone holding its cookie, a signed-in user's session for that user
only. Logging in moves the anonymous answers to a new session under a new token (a token
planted before login leads nowhere afterwards); logging out forgets the cookie.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from advisor.wizard.models import WizardSession

COOKIE = "advisor_wizard"
COOKIE_AGE = 90 * 24 * 60 * 60
# What models.new_token() makes (secrets.token_urlsafe(24): 32 characters); anything else
# in the cookie is not ours and is never sent to the database.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")
_SELECT_BY_KEY = "SELECT * FROM wizard_wizardsession WHERE token = %s"
_FORGET = "forget"


def _cookie_token(request: HttpRequest) -> str | None:
    token = request.COOKIES.get(COOKIE)
    return token if token and TOKEN_SHAPE.fullmatch(token) else None


def _belongs(session: WizardSession, user: Any) -> bool:
    """Anonymous sessions belong to whoever holds the cookie; others to their user only."""
    if session.user_id is None:
        return True
    return user is not None and user.is_authenticated and session.user_id == user.pk


def load(request: HttpRequest) -> WizardSession | None:
    user = getattr(request, "user", None)
    token = _cookie_token(request)
    if token:
        # A raw query: every wizard request runs it, and compiling the ORM query cost
        # three times as much as running it (see RulesetState.current for the figures:
        # the ORM would put a wizard step under its bench/bench_wizard.py goal).
        found = next(iter(WizardSession.objects.raw(_SELECT_BY_KEY, [token])), None)
        if found is not None and _belongs(found, user):
            return found
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


# Logging in and out ------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="wizard-session-at-login")
def _at_login(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Move the anonymous answers of this browser to a new session of ``user``.

    The old row is deleted, so whoever else knows its token (a planted cookie) finds
    nothing; ``cookie_middleware`` gives the browser the new token.
    """
    if request is None:
        return
    token = _cookie_token(request)
    if token is None:
        return
    with transaction.atomic():
        old = WizardSession.objects.select_for_update().filter(pk=token).first()
        if old is None or not _belongs(old, user):
            request._wizard_cookie = _FORGET  # type: ignore[attr-defined]
            return
        new = WizardSession.objects.create(
            user=user,
            answers=old.answers,
            weights=old.weights,
            preset=old.preset,
            workloads=old.workloads,
        )
        old.delete()
    request._wizard_cookie = new  # type: ignore[attr-defined]


@receiver(user_logged_out, dispatch_uid="wizard-session-at-logout")
def _at_logout(sender: object, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None:
        request._wizard_cookie = _FORGET  # type: ignore[attr-defined]


def cookie_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Sets or deletes the wizard cookie as logging in or out decided (any login page)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        decided = getattr(request, "_wizard_cookie", None)
        if decided == _FORGET:
            forget(response)
        elif isinstance(decided, WizardSession):
            remember(response, decided)
        return response

    return middleware
