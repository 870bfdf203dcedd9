"""The PDF renderer's helper process: WeasyPrint under hard limits, without Django.

``pdf.py`` starts one helper per web process (``python -m advisor.reports.pdf_render``) and
sends it jobs, one at a time, through its standard input; the answer comes back on its
standard output. The helper imports WeasyPrint and draws a page once (fonts loaded), then
forks a child for every job, so a render starts warm in milliseconds. The child limits
itself before it reads the report: address space (``RLIMIT_AS``, on top of what it was
forked with) and CPU time (``RLIMIT_CPU``, a backstop: the web process kills the helper
and its child at its wall-clock deadline). It renders, counts the pages and answers with
one :data:`Answer`. A render that overruns, runs out of memory or crashes costs its own
process only: the web worker's memory never grows with a report.

Nothing here imports Django (the helper has no settings): the stylesheets come in the job,
read by the web process, and nothing else is fetched but ``data:`` URIs. The frames are
pickles between two processes of ours, over pipes no one else holds.
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import resource
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import urlsplit

#: ("pdf", bytes), ("pages", the page count over the cap), ("memory", ""), ("error", why)
#: or, from the helper when its child died without a word, ("crashed", its wait status).
Answer = tuple[str, Any]

DEFAULT_WORK = "advisor.reports.pdf_render:render"
_HEADER = struct.Struct("!Q")


@dataclass(frozen=True)
class Job:
    html: str
    base_url: str
    paper: str  # a CSS page size
    assets: dict[str, tuple[bytes, str]]  # URL path -> (content, content type)
    max_pages: int
    memory_bytes: int  # address space the render may add to what it was forked with
    cpu_seconds: int
    work: str = DEFAULT_WORK  # "module:function" taking the job, giving an Answer


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
    spent = resource.getrusage(resource.RUSAGE_SELF)
    seconds = int(spent.ru_utime + spent.ru_stime) + 1 + job.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def _work(job: Job) -> Callable[[Job], Answer]:
    module, _, name = job.work.partition(":")
    function: Callable[[Job], Answer] = getattr(importlib.import_module(module), name)
    return function


def answer_in_child(job: Job) -> Answer:
    """Fork, limit and run the job in the child; its answer, or how it died."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        try:
            limit(job)
            answer = _work(job)(job)
        except MemoryError:
            answer = ("memory", "")
        except Exception as error:  # anything the render raises: reported, not raised
            answer = ("error", f"{type(error).__name__}: {error}"[:500])
        try:
            with os.fdopen(write_end, "wb") as out:
                out.write(pickle.dumps(answer))
        except BaseException:  # noqa: S110 - nothing sent: the helper says "crashed"
            pass
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    try:
        answer = pickle.loads(data)  # noqa: S301 - from our own child
    except Exception:
        return ("crashed", status)
    return answer if isinstance(answer, tuple) else ("crashed", status)


def write_frame(out: BinaryIO, value: object) -> None:
    data = pickle.dumps(value)
    out.write(_HEADER.pack(len(data)) + data)
    out.flush()


def read_frame(source: BinaryIO) -> Any:
    """One frame, or None at the end of the input."""
    header = source.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    return pickle.loads(source.read(size))  # noqa: S301 - from the web process that started us


def warm_up() -> None:
    """Load WeasyPrint and the fonts once, so every forked child starts with them."""
    render(Job("<p>Warm up</p>", "http://pdf.invalid/", "A4", {}, 1, 0, 0))


def serve(source: BinaryIO, out: BinaryIO) -> None:
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)  # app.css's screen-only rules
    warm_up()
    while (job := read_frame(source)) is not None:
        write_frame(out, answer_in_child(job))


def main() -> None:
    # Frames go out on a private copy of standard output; anything printed goes to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, out)


if __name__ == "__main__":
    main()
