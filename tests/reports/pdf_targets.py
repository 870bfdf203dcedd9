"""Stand-ins for the PDF renderer's child process (``advisor.reports.pdf.RENDER_TARGET``).

The child imports this module by name, without Django: it must import nothing but the
renderer's own child module. Each one goes through the child's real limits first.
"""

from __future__ import annotations

import mmap
import os
import signal
import time
from multiprocessing.connection import Connection

from advisor.reports import pdf_render

ALLOCATION = 4 * 1024**3  # far over the renderer's memory limit


def hang(conn: Connection, job: pdf_render.Job) -> None:
    """A render that never ends (sleeping uses no CPU: only the deadline can stop it)."""
    pdf_render.run(conn, job, work=lambda _job: time.sleep(3600))


def allocate(conn: Connection, job: pdf_render.Job) -> None:
    """A render that maps more memory than the limit allows (untouched: without the limit
    it would succeed and cost nothing, so the test fails instead of the machine)."""

    def work(_job: pdf_render.Job) -> pdf_render.Answer:
        with mmap.mmap(-1, ALLOCATION):
            return ("pdf", b"%PDF-mapped")

    pdf_render.run(conn, job, work=work)


def crash(conn: Connection, job: pdf_render.Job) -> None:
    """A render that dies without answering, as a crash in a C library would."""
    pdf_render.run(conn, job, work=lambda _job: os.kill(os.getpid(), signal.SIGSEGV))
