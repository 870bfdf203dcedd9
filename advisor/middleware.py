"""Project-wide request and response guards (see ``MIDDLEWARE`` in ``settings.py``)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

Handler = Callable[[HttpRequest], HttpResponse]


def drop_hostile_cookies(get_response: Handler) -> Handler:
    """Forget cookies whose value holds a NUL byte before anything reads them.

    No cookie we set can hold one, and PostgreSQL refuses a NUL in any query parameter:
    a ``sessionid`` holding one answered 500 on every page.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        cookies = request.COOKIES
        if any("\x00" in value for value in cookies.values()):
            request.COOKIES = {k: v for k, v in cookies.items() if "\x00" not in v}
        return get_response(request)

    return middleware


# Features no page of ours uses: denied to our pages and to anything they might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


def permissions_policy(get_response: Handler) -> Handler:
    """Adds ``Permissions-Policy`` to every response, static files included."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware


def private_organisation_pages(get_response: Handler) -> Handler:
    """``Cache-Control: private, no-store`` on every answer to a URL that names an
    organisation (``<org_code>``: its pages, reports, exports, forms and refusals alike).

    They are for its members only and change when a member edits something: no shared
    cache may keep them, and no browser should keep a copy on disk after the member leaves
    or logs out. Directives a view set itself stay (``never_cache`` adds more).
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        match = request.resolver_match
        if match is not None and "org_code" in match.kwargs:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware


def limit_request_body(get_response: Handler) -> Handler:
    """413 for any body declared over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, before anything
    reads it.

    Django's own limit skips file parts of a multipart body (a 30 MB "upload" to a wizard
    step was accepted and written to a temporary file); no page of ours takes files. The
    API answers in its JSON error shape. In production nginx refuses such bodies first
    (``client_max_body_size``), which also keeps the client's connection usable.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return get_response(request)
        if request.path.startswith("/api/"):
            from advisor.api.api import body_too_large_message
            from advisor.api.responses import errors_response

            return errors_response({"body": [body_too_large_message()]}, status=413)
        context = {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024}
        return render(request, "413.html", context, status=413)

    return middleware
