"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os

# pytest-playwright runs its own event loop; the live server's ORM calls are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
