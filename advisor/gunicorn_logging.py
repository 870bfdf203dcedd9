"""gunicorn's logger with share, invitation and reset tokens redacted from the access log
(``logger_class`` in ``gunicorn.conf.py``)."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from advisor.logredact import redact


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}
