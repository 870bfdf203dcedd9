"""Project-wide request and response guards (see ``MIDDLEWARE`` in ``settings.py``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
