"""Keep secrets in URLs out of the logs.

Share links, invitations and password resets carry their secret in the path, and access
logs (gunicorn's, nginx's, Django's "Not Found: /s/..." warnings) would otherwise keep them
for anyone who reads the logs. ``redact`` replaces each such token with ``[redacted]``.
gunicorn uses it through ``advisor.gunicorn_logging``, Django's logging through
``RedactTokens`` (``LOGGING`` in ``settings.py``), nginx through the same patterns in
``deploy/nginx.conf``.
"""

from __future__ import annotations

import logging
import re

MARK = "[redacted]"
_SEGMENT = r"[^/?#\s\"]+"
_PATTERNS = (
    re.compile(rf"(/s/){_SEGMENT}"),  # share links
    re.compile(rf"(/orgs/invite/){_SEGMENT}"),  # invitations
    # Password resets: /accounts/reset/<uidb64>/<token>/ (Django swaps the token for
    # "set-password" after the first visit).
    re.compile(rf"(/accounts/reset/{_SEGMENT}/)(?!set-password(?:[/?#\s\"]|$)){_SEGMENT}"),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(rf"\g<1>{MARK}", text)
    return text


class RedactTokens(logging.Filter):
    """A logging filter: the formatted message with every token redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
