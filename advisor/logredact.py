"""Keep secrets in URLs out of the logs.

Share links, invitations and password resets carry their secret in the path, and access
logs (gunicorn's, nginx's, Django's "Not Found: /s/..." warnings) would otherwise keep them
for anyone who reads the logs. ``redact`` replaces each such token with ``[redacted]``.
gunicorn uses it through ``advisor.gunicorn_logging``, Django's logging through
``RedactTokens`` (``LOGGING`` in ``settings.py``). Tokens are found however the URL is
written: each stretch of the line is also matched once percent-decoded, without regard to
case and with doubled slashes, and logged decoded when a token was found only that way.
nginx (``deploy/nginx/advisor.conf.template``) logs its own decoded, normalised path with
the same patterns and leaves the query string out.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

MARK = "[redacted]"
_SEGMENT = r"[^/?#&\s\"']+"
_SLASH = r"/+(?:\./+)*"  # "/", "//", "/./": the same to a browser or a lenient router
# Matched without regard to case: "/S/<token>/" is not our route, but it is someone's
# token with a typo (or a probe) and stays out of the logs all the same.
_PATTERNS = (
    re.compile(rf"({_SLASH}s{_SLASH}){_SEGMENT}", re.IGNORECASE),  # share links
    re.compile(rf"({_SLASH}orgs{_SLASH}invite{_SLASH}){_SEGMENT}", re.IGNORECASE),  # invitations
    # Password resets: /accounts/reset/<uidb64>/<token>/ (Django swaps the token for
    # "set-password" after the first visit).
    re.compile(
        rf"({_SLASH}accounts{_SLASH}reset{_SLASH}{_SEGMENT}{_SLASH})"
        rf"(?!set-password(?:[/?#&\s\"']|$)){_SEGMENT}",
        re.IGNORECASE,
    ),
)
#: A stretch of a log line that may hold a URL (a path, a query, a whole address).
_WORD = re.compile(r"[^\s\"']+")


def _canonical(text: str) -> str:
    """``text`` with its percent-escapes decoded, twice-encoded ones included
    ("%252F" -> "%2F" -> "/")."""
    for _ in range(3):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def _redact_canonical(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(rf"\g<1>{MARK}", text)
    return text


def _redact_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if "/" not in word and "%" not in word:
        return word
    redacted = _redact_canonical(word)
    if redacted != word:
        return redacted
    # Not a token as written; perhaps once decoded ("next=%2Fs%2F<token>%2F", "/%73/<token>/").
    # Then the decoded word is logged, with the token replaced.
    decoded = _canonical(word)
    if decoded != word:
        redacted = _redact_canonical(decoded)
        if redacted != decoded:
            return redacted
    return word


def redact(text: str) -> str:
    """``text`` with every share, invitation and reset token replaced by ``[redacted]``,
    however the URL that carries it is written (percent-encoded, in a query string, in
    another case, with doubled slashes)."""
    return _WORD.sub(_redact_word, text)


class RedactTokens(logging.Filter):
    """A logging filter: the formatted message with every token redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
