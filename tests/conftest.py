"""Fixtures shared by the whole suite."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# pytest-playwright runs its own event loop; the live server's ORM calls are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """Rolled-back tests reuse version numbers, so no snapshot may outlive its test."""
    from django.core.cache import cache

    from advisor.catalogue.snapshot import clear_memo as clear_catalogue
    from advisor.knowledge.ruleset import clear_memo

    clear_memo()
    clear_catalogue()
    cache.clear()
    yield
    clear_memo()
    clear_catalogue()
    cache.clear()


def _runs_transactionally(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run live-server (transactional) tests after every other database test.

    They end by flushing the database, seeded knowledge included. pytest-django orders them
    last, but pytest's grouping of parametrized tests (the browser ones) can pull later
    tests behind them, so the order is restored here, keeping each group's own order.
    """
    items.sort(key=_runs_transactionally)


STATIC_PACKAGES = ("django", "django-bootstrap-static", "django-htmx", "whitenoise")


def _static_digest(root: Path) -> str:
    """Changes when a static source or a package that ships static files changes."""
    digest = hashlib.sha256()
    for package in STATIC_PACKAGES:
        digest.update(f"{package}={importlib.metadata.version(package)}\n".encode())
    for path in sorted(p for p in (root / "static").rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def collected_static() -> Path:
    """The production static files (hashed names, gzip and brotli), collected once per set of
    sources and kept under the temporary folder: compressing them takes about 20 s."""
    from tests.foundation.test_settings import production_env, run_manage

    root = Path(__file__).resolve().parent.parent
    target = Path(tempfile.gettempdir()) / f"advisor-test-static-{_static_digest(root)}"
    if (target / "staticfiles.json").is_file():
        return target
    build = Path(tempfile.mkdtemp(prefix="advisor-test-static-"))
    done = run_manage(
        "collectstatic",
        "--noinput",
        "--verbosity",
        "0",
        env=production_env(DJANGO_STATIC_ROOT=str(build / "static")),
    )
    assert done.returncode == 0, done.stderr
    try:
        (build / "static").rename(target)
    except OSError:  # another run built it meanwhile
        shutil.rmtree(build, ignore_errors=True)
    return target
