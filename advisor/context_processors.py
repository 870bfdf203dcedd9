"""Template context shared by every page."""

from __future__ import annotations

import functools

from django.http import HttpRequest
from django.urls import reverse


@functools.cache
def _nav_urls() -> dict[str, str]:
    names = ["home", "wizard:start", "plan:plan", "orgs:list", "password_change", "login"]
    names += ["logout", "signup"]
    return {name.replace(":", "_"): reverse(name) for name in names}


def nav(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The navigation's URLs, reversed once per process rather than on every page."""
    return {"nav": _nav_urls()}
