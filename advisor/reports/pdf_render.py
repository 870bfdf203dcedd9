"""The PDF renderer's child process: WeasyPrint under hard limits, without Django.

``pdf.py`` runs every render in a process forked from a fork server that imported
WeasyPrint once (so a render starts in milliseconds, not the second an import takes). The
child limits itself before it reads the report: address space (``RLIMIT_AS``, on top of
what it was forked with) and CPU time (``RLIMIT_CPU``, a backstop: the parent kills it at
its wall-clock deadline). It renders, counts the pages, and answers through its pipe with
one :data:`Answer`. A render that overruns, runs out of memory or crashes costs its own
process only: the web worker's memory never grows with a report.

This module imports nothing from Django (the fork server has no settings): the stylesheets
come in the job, read by the parent, and nothing else is fetched but ``data:`` URIs.
"""

from __future__ import annotations

import logging
import os
import resource
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import urlsplit

#: ("pdf", bytes), ("pages", the page count over the cap), ("memory", "") or ("error", why)
Answer = tuple[str, Any]


@dataclass(frozen=True)
class Job:
    html: str
    base_url: str
    paper: str  # a CSS page size
    assets: dict[str, tuple[bytes, str]]  # URL path -> (content, content type)
    max_pages: int
    memory_bytes: int  # address space the render may add to what it was forked with
    cpu_seconds: int


def fetcher(assets: dict[str, tuple[bytes, str]]) -> Any:
    """A WeasyPrint URL fetcher that serves ``assets`` and ``data:`` URIs, nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)  # decoded in memory by urllib
            asset = assets.get(urlsplit(url).path)
            if asset is None:
                raise ValueError(f"The PDF renderer reads only our static files, not {url}")
            content, mime = asset
            return URLFetcherResponse(url, content, {"Content-Type": mime})

    return LocalFetcher(allowed_protocols={"data", "http", "https"}, allow_redirects=False)


def render(job: Job) -> Answer:
    from weasyprint import CSS, HTML

    page = CSS(string=f"@page {{ size: {job.paper}; }}")
    html = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher(job.assets))
    document = html.render(stylesheets=[page])
    if len(document.pages) > job.max_pages:
        return ("pages", len(document.pages))
    return ("pdf", bytes(document.write_pdf()))


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None


def limit(job: Job) -> None:
    """Apply the job's memory and CPU limits to this process (Linux; elsewhere CPU only)."""
    used = _address_space()
    if used is not None:
        ceiling = used + job.memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    seconds = int(cpu) + job.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def run(conn: Connection, job: Job, work: Callable[[Job], Answer] = render) -> None:
    """The child's entry point (``pdf.RENDER_TARGET``): limit, render, answer once."""
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)  # app.css's screen-only rules
    try:
        limit(job)
        answer = work(job)
    except MemoryError:
        answer = ("memory", "")
    except Exception as error:  # anything else the render raises: reported, not raised
        answer = ("error", f"{type(error).__name__}: {error}"[:500])
    try:
        conn.send(answer)
    except MemoryError:
        conn.send(("memory", ""))
    finally:
        conn.close()
