"""Stand-ins for what the PDF renderer's child runs (``advisor.reports.pdf.RENDER_WORK``).

The child imports this module by name, without Django: it must import nothing but the
renderer's own module. Each one runs where a render would, after the child's limits.
"""

from __future__ import annotations

import mmap
import os
import signal
import time

from advisor.reports import pdf_render

ALLOCATION = 4 * 1024**3  # far over the renderer's memory limit


def hang(job: pdf_render.Job) -> pdf_render.Answer:
    """A render that never ends (sleeping uses no CPU: only the deadline can stop it)."""
    time.sleep(3600)
    return ("pdf", b"%PDF-late")


def allocate(job: pdf_render.Job) -> pdf_render.Answer:
    """A render that maps more memory than the limit allows (untouched: without the limit
    it would succeed and cost nothing, so the test fails instead of the machine)."""
    with mmap.mmap(-1, ALLOCATION):
        return ("pdf", b"%PDF-mapped")


def crash(job: pdf_render.Job) -> pdf_render.Answer:
    """A render that dies without answering, as a crash in a C library would."""
    os.kill(os.getpid(), signal.SIGSEGV)
    return ("pdf", b"%PDF-unreachable")
