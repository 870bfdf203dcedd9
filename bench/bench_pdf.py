"""Benchmark the PDF of a long report (goal: under 2 s on our machines).

Run from the repo root: ``.venv/bin/python bench/bench_pdf.py`` (``--help`` for options).
It migrates a throwaway SQLite database (the shipped knowledge), saves a long report (every
question answered, a volume, so the costs, charts, sensitivity and price tables are all in,
and a page of notes), renders it once to warm up (imports, the drawn charts' cache), then
renders it ``--runs`` times as the export view does on a first download (later downloads of
the same report come from the cache) and prints the median and the range of
the render times and the page count. Settings: ``tests.settings`` (static files from the
sources, as in development; the renderer reads them from disk either way).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LONG_ANSWERS = {
    "data_sensitivity": "sensitive",
    "requests_per_day": 250_000,
    "team_capacity": "ml_team",
    "customization": "domain_specific",
    "stage": "production",
    "uptime": "mission_critical",
    "frontier_capability": "not_needed",
    "workload_mix": "mixed_tasks",
    "jurisdiction": "eu",
    "sector": "finance",
}
NOTES = "\n\n".join(
    f"Board question {n}: what does this cost at twice the volume, and who runs it at night?"
    for n in range(1, 25)
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=7, help="timed renders (default 7)")
    parser.add_argument("--paper", default="a4", choices=["a4", "letter"])
    parser.add_argument("--out", help="also write the PDF to this file")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="advisor-bench-pdf-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # app.css's screen-only rules
    from django.core.management import call_command
    from django.test import RequestFactory
    from pypdf import PdfReader

    from advisor import advice
    from advisor.knowledge.ruleset import current_knowledge
    from advisor.orgs.models import Organisation
    from advisor.reports import pdf
    from advisor.reports.models import Report
    from advisor.reports.views import pdf_html

    call_command("migrate", verbosity=0)
    knowledge = current_knowledge()
    answers = advice.usable_answers(knowledge, LONG_ANSWERS)
    inputs = advice.result_inputs(answers, {})
    report = Report.objects.create(
        org=Organisation.objects.create(name="Bench Ltd"),
        title="Long report for the board",
        notes=NOTES,
        kind=advice.RESULT,
        inputs=inputs,
        snapshot=advice.build_snapshot(knowledge, advice.RESULT, inputs),
        ruleset_version=knowledge.version,
    )
    request = RequestFactory().get(
        f"/orgs/{report.org.code}/reports/{report.code}/export.pdf", {"paper": args.paper}
    )

    paper = pdf.paper_size(args.paper) or "A4"

    def render() -> bytes:
        # What the export view does on a first download (later ones come from the cache).
        html = pdf_html(request, report, shared=False)
        return pdf.render_pdf(html, paper=paper)

    document = render()  # warm-up: imports and the charts' cache
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        document = render()
        times.append(time.perf_counter() - start)
    pages = len(PdfReader(io.BytesIO(document)).pages)
    if args.out:
        Path(args.out).write_bytes(document)
    print(
        f"PDF of a long report ({pages} pages, {len(document) / 1024:.0f} KiB, {args.paper}): "
        f"median {statistics.median(times):.2f} s over {args.runs} renders "
        f"(min {min(times):.2f} s, max {max(times):.2f} s); goal < 2 s"
    )


if __name__ == "__main__":
    main()
