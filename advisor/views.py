"""Project-wide endpoints: the health check, the favicon, the CSRF failure and 404 pages."""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from advisor.cache import cache_status
from advisor.http import NotFound

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the app and its database answer, 503 otherwise; the body says how each
    part is.

    A shared cache (Redis) that does not answer makes the first line ``degraded`` but keeps
    the 200: every page still works without it (``advisor/cache.py``), and a load balancer
    that took every instance out because their one Redis failed would take the site down.
    Both checks are bounded by their timeouts, so the probe itself never hangs.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return HttpResponse("down\ndatabase: unavailable\n", status=503, content_type="text/plain")
    cache_ok, cache_says = cache_status()
    state = "ok" if cache_ok else "degraded"
    return HttpResponse(f"{state}\ndatabase: ok\ncache: {cache_says}\n", content_type="text/plain")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; point them at ours."""
    return HttpResponsePermanentRedirect(static("advisor/img/favicon.svg"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 for a form without a valid CSRF token, in our layout (Django's own page has an
    inline style that our Content-Security-Policy blocks)."""
    return render(request, "403_csrf.html", status=403)


API_PREFIX = "/api/v1/"


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 in our words (``handler404``, used when debug is off).

    Only a :class:`~advisor.http.NotFound`'s message is shown; Django's own ("Resolver404",
    "No Report matches the given query.") are for developers. Under ``/api/v1/`` the answer
    is JSON in the API's error shape.
    """
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {
                "errors": {
                    "path": [
                        f"No API endpoint at {request.path}: see {API_PREFIX}openapi.json "
                        "for the endpoints there are."
                    ]
                }
            },
            status=404,
        )
    message = str(exception.args[0]) if isinstance(exception, NotFound) and exception.args else ""
    return render(request, "404.html", {"message": message}, status=404)


#: Seconds a visitor is asked to wait when the database does not answer (the API's too).
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a database that does not answer gets a 503 retry page with
    ``Retry-After``, anything else the 500 page.

    Both pages are plain templates rendered without the request's context (no user, no
    session, no query) and hold no script. Found in the attack: a database outage showed the
    500 page on every HTML route, while the API answered 503.
    """
    if isinstance(sys.exc_info()[1], DatabaseError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
