"""A report as PDF: the report's own HTML (the same partials as its page) through WeasyPrint.

Every render runs in a child process (``pdf_render``) with a wall-clock deadline, a memory
limit and a page cap, one render at a time per web process; a render that breaks one of
them answers :class:`PdfUnavailable` (the views show a page saying so, with 503) and the
refusal is remembered for a while, so asking again costs nothing. The web worker never
runs WeasyPrint itself: a pathological report cannot hold it for a minute or grow it by a
gigabyte (a 64 KB note did both before its text was limited).

WeasyPrint may read only our stylesheets, read here and handed to the child, and ``data:``
URIs (the charts, drawn as SVG, so they stay vector graphics in the PDF); anything else is
refused, so rendering never touches the network.

PDFs are cached by the report and what its HTML says (title, notes, snapshot, links) and
the paper: never by the request's address, which a client chooses (the ``Host`` header's
port alone made every download a fresh render). So the HTML must not depend on the request
either: ``base_url`` is fixed and the views print links on ``settings.SITE_URL``.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import mimetypes
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.templatetags.static import static

from advisor.reports import pdf_render

logger = logging.getLogger(__name__)

# A report's PDF is remembered by the HTML it is drawn from (which names everything it shows:
# snapshot, title, notes, links), so a second download costs no rendering.
PDF_CACHE_SECONDS = 24 * 60 * 60
# A render that fails is not tried again for this long (the page says when to retry).
FAILURE_SECONDS = 5 * 60

# The renderer's bounds. Our longest report (every question answered, costs, charts, a page
# of notes; bench/bench_pdf.py) is 14 pages, about 1 s and 150 MB; the gunicorn worker's
# own timeout is 30 s.
RENDER_SECONDS = 15
MEMORY_BYTES = 512 * 1024 * 1024
MAX_PAGES = 60
#: What the child runs, as "module:function" (tests put stand-ins here).
RENDER_WORK = pdf_render.DEFAULT_WORK
REASONS = ("too-long", "too-slow", "failed", "busy")

# Relative URLs in the HTML (only our stylesheets) resolve against this fixed address,
# whatever the request's own.
BASE_URL = "http://pdf.invalid/"
STYLESHEETS = ("advisor/css/app.css", "advisor/css/pdf.css")

# ``?paper=`` values and their CSS page sizes; A4 unless asked otherwise.
PAPERS = {"a4": "A4", "letter": "letter"}
DEFAULT_PAPER = "a4"


def paper_size(asked: str | None) -> str | None:
    """The CSS page size for a ``?paper=`` value (A4 when absent), None when unknown."""
    return PAPERS.get((asked or DEFAULT_PAPER).strip().lower())


def static_file(name: str) -> Path | None:
    """The file of a static asset by its name under ``STATIC_URL``: the collected copy
    (hashed names in production) or, when nothing is collected, the source."""
    try:
        if staticfiles_storage.exists(name):
            return Path(staticfiles_storage.path(name))
    except (SuspiciousFileOperation, NotImplementedError, ValueError):
        return None
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    return Path(found) if isinstance(found, str) else None


def local_response(url: str) -> tuple[bytes, str]:
    """The content and type of one of our static files by its URL; ValueError for anything
    else."""
    path = urlsplit(url).path
    if path.startswith(settings.STATIC_URL):
        found = static_file(unquote(path.removeprefix(settings.STATIC_URL)))
        if found is not None and found.is_file():
            mime = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return found.read_bytes(), mime
    raise ValueError(f"The PDF renderer reads only our static files, not {url}")


def stylesheet_urls() -> list[str]:
    """The stylesheets ``pdf_base.html`` links to, by their URLs (hashed in production)."""
    return [static(name) for name in STYLESHEETS]


def _assets() -> dict[str, tuple[bytes, str]]:
    return {urlsplit(url).path: local_response(url) for url in stylesheet_urls()}


class PdfUnavailable(Exception):
    """A render refused or stopped: ``reason`` is one of :data:`REASONS`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Helper:
    """This web process's renderer helper (``pdf_render``): started when first needed,
    killed with its child at a deadline, started again for the next job."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None

    def ask(self, job: pdf_render.Job, seconds: float) -> pdf_render.Answer:
        deadline = time.monotonic() + seconds
        try:
            process = self._running()
            assert process.stdin is not None
            assert process.stdout is not None
            data = pickle.dumps(job)
            _write(process.stdin.fileno(), _HEADER.pack(len(data)) + data, deadline)
            (size,) = _HEADER.unpack(_read(process.stdout.fileno(), _HEADER.size, deadline))
            answer: pdf_render.Answer = pickle.loads(  # noqa: S301 - from our own helper
                _read(process.stdout.fileno(), size, deadline)
            )
            return answer
        except TimeoutError:
            self.stop()
            return ("timeout", seconds)
        except (OSError, EOFError, pickle.UnpicklingError, struct.error) as error:
            self.stop()
            return ("crashed", repr(error))

    def _running(self) -> subprocess.Popen[bytes]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "advisor.reports.pdf_render"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=settings.BASE_DIR,
                start_new_session=True,  # its own process group: killed with its child
            )
        return self.process

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()


_HEADER = struct.Struct("!Q")


def _write(fd: int, data: bytes, deadline: float) -> None:
    view = memoryview(data)
    while view:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([], [fd], [], remaining)[1]:
            raise TimeoutError
        view = view[os.write(fd, view[: 64 * 1024]) :]


def _read(fd: int, size: int, deadline: float) -> bytes:
    parts: list[bytes] = []
    while size:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise TimeoutError
        part = os.read(fd, min(size, 1024 * 1024))
        if not part:
            raise EOFError("the PDF renderer's helper stopped")
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


_helper = _Helper()
_rendering = threading.Lock()  # one render per web process at a time, through its helper
atexit.register(_helper.stop)


def render_pdf(html: str, *, paper: str = PAPERS[DEFAULT_PAPER]) -> bytes:
    """The PDF of ``html`` on ``paper`` (a CSS page size), rendered in a child process
    within the limits above; :class:`PdfUnavailable` when it cannot be."""
    job = pdf_render.Job(
        html=html,
        base_url=BASE_URL,
        paper=paper,
        assets=_assets(),
        max_pages=MAX_PAGES,
        memory_bytes=MEMORY_BYTES,
        cpu_seconds=RENDER_SECONDS,
        work=RENDER_WORK,
    )
    if not _rendering.acquire(timeout=RENDER_SECONDS):
        raise PdfUnavailable("busy")
    try:
        kind, value = _helper.ask(job, RENDER_SECONDS)
    finally:
        _rendering.release()
    if kind == "pdf" and isinstance(value, bytes) and value.startswith(b"%PDF-"):
        return value
    if kind == "pages":
        raise PdfUnavailable("too-long")
    if kind == "timeout":
        logger.warning("A PDF render took over %s s and was stopped", RENDER_SECONDS)
        raise PdfUnavailable("too-slow")
    logger.warning("A PDF render failed: %s %s", kind, value)
    raise PdfUnavailable("failed")


def cached_pdf(html: str, *, report: str, paper: str = PAPERS[DEFAULT_PAPER]) -> bytes:
    """:func:`render_pdf`, remembered by the report (its code), its HTML and the paper;
    a refusal is remembered too, for ``FAILURE_SECONDS``."""
    content = hashlib.sha256(html.encode()).hexdigest()
    key = f"pdf:{report}:{paper}:{content}"
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    if isinstance(cached, str):
        raise PdfUnavailable(cached)
    try:
        document = render_pdf(html, paper=paper)
    except PdfUnavailable as refused:
        if refused.reason != "busy":
            cache.set(key, refused.reason, FAILURE_SECONDS)
        raise
    cache.set(key, document, PDF_CACHE_SECONDS)
    return document
