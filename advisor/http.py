"""Request types shared by the views."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (``request.htmx``)."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    """A request to a ``@login_required`` view: ``request.user`` is a real user."""

    user: User


class NotFound(Http404):
    """A 404 whose message is written for people: the 404 page shows it.

    Any other 404 (an unknown URL, ``get_object_or_404``) carries Django's wording
    ("Resolver404", "No Report matches the given query."), which the page never shows.
    """
