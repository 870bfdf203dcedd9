"""A report as PDF: the report's own HTML (the same partials as its page) through WeasyPrint.

WeasyPrint fetches what the HTML links to. Here it may read only our static files, from
disk (the collected copy first, then the sources), and ``data:`` URIs (the charts, drawn as
SVG, so they stay vector graphics in the PDF); anything else is refused, so rendering never
touches the network. Links in the report stay links: relative ones are made absolute against
the request's own address.

WeasyPrint is imported only when a PDF is rendered: it needs Debian's Pango libraries
(``bin/ensure-weasyprint-libs``) and takes a while to import.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse

# A report's PDF is remembered by the HTML it is drawn from (which names everything it shows:
# snapshot, title, notes, links), so a second download costs no rendering.
PDF_CACHE_SECONDS = 24 * 60 * 60

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


def local_response(url: str) -> URLFetcherResponse:
    """A static file or a ``data:`` URI for WeasyPrint; ValueError for anything else."""
    from weasyprint.urls import URLFetcherResponse

    path = urlsplit(url).path
    if path.startswith(settings.STATIC_URL):
        found = static_file(unquote(path.removeprefix(settings.STATIC_URL)))
        if found is not None and found.is_file():
            mime = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": mime})
    raise ValueError(f"The PDF renderer reads only our static files, not {url}")


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        """Our static files from disk and ``data:`` URIs; nothing over the network."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)  # decoded in memory by urllib
            return local_response(url)

    return LocalFetcher(allowed_protocols={"data", "http", "https"}, allow_redirects=False)


def render_pdf(html: str, *, base_url: str, paper: str = PAPERS[DEFAULT_PAPER]) -> bytes:
    """The PDF of ``html`` on ``paper`` (a CSS page size), links resolved against
    ``base_url``."""
    from weasyprint import CSS, HTML

    page = CSS(string=f"@page {{ size: {paper}; }}")
    document = HTML(string=html, base_url=base_url, url_fetcher=_fetcher())
    return bytes(document.write_pdf(stylesheets=[page]))


def cached_pdf(html: str, *, base_url: str, paper: str = PAPERS[DEFAULT_PAPER]) -> bytes:
    """:func:`render_pdf`, remembered by its inputs (a report's snapshot never changes)."""
    key = "pdf:" + hashlib.sha256(f"{paper}\0{base_url}\0{html}".encode()).hexdigest()
    document = cache.get(key)
    if document is None:
        document = render_pdf(html, base_url=base_url, paper=paper)
        cache.set(key, document, PDF_CACHE_SECONDS)
    return bytes(document)
