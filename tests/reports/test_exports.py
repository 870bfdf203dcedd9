"""Markdown and JSON exports, and the print stylesheet."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from advisor import advice
from advisor.knowledge.ruleset import current_knowledge
from advisor.plan.building import build_plan
from advisor.reports.models import Report
from tests.reports.helpers import (
    DATA_QUESTION,
    FINE_TUNE_REASON,
    RUNNER_UP,
    SELF_HOST_REASON,
    TOP,
    make_report,
    url,
)

pytestmark = pytest.mark.django_db


def test_markdown_export(client, viewer, org) -> None:
    report = make_report(org, title="Patient notes: Q3 plan", notes="For the clinic board.")
    client.force_login(viewer)

    response = client.get(url(report, "export.md"))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="patient-notes-q3-plan.md"'
    )
    markdown = response.content.decode()
    assert markdown.startswith("# Patient notes: Q3 plan\n")
    assert "Acme Ltd · knowledge base version" in markdown
    assert "For the clinic board." in markdown
    assert f"## Recommendation: {TOP}\n" in markdown
    assert "| # | Approach | Score | Excluded |" in markdown
    assert f"| 1 | {TOP} | 100 | no |" in markdown
    assert f"| 2 | {RUNNER_UP} | 85 | no |" in markdown
    assert "| 6 | Closed model via API | — | yes |" in markdown  # excluded: no score
    assert "### Closed model via API (excluded)" in markdown
    assert f"### {TOP} (100)" in markdown
    assert f"- {SELF_HOST_REASON} (100; because: {DATA_QUESTION} Regulated)" in markdown
    assert f"- {FINE_TUNE_REASON} (85; because: {DATA_QUESTION} Regulated)" in markdown
    assert f"- {DATA_QUESTION}: Regulated" in markdown
    assert "&#x27;" not in markdown  # plain text, not HTML-escaped
    assert "&amp;" not in markdown


def test_json_export(client, viewer, report) -> None:
    client.force_login(viewer)

    response = client.get(url(report, "export.json"))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="patient-notes-summariser.json"'
    )
    document = json.loads(response.content)
    assert document["title"] == "Patient notes summariser"
    assert document["organisation"] == "Acme Ltd"
    assert document["answers"] == {"data_sensitivity": "regulated"}
    assert document["ruleset_version"] == report.ruleset_version
    assert document["result"] == report.snapshot
    ranking = document["result"]["ranking"]
    assert [(r["label"], r["score"]) for r in ranking[:2]] == [(TOP, 100), (RUNNER_UP, 85)]
    assert ranking[0]["reasons"][0]["text"] == SELF_HOST_REASON


def test_a_title_without_letters_still_gets_a_file_name(client, viewer, org) -> None:
    report = make_report(org, title="???")
    client.force_login(viewer)
    response = client.get(url(report, "export.md"))
    assert response.headers["Content-Disposition"] == 'attachment; filename="report.md"'


def test_the_report_page_links_both_exports(client, viewer, report) -> None:
    client.force_login(viewer)
    page = client.get(url(report)).content.decode()
    assert f'href="{url(report, "export.md")}">Download Markdown</a>' in page
    assert f'href="{url(report, "export.json")}">Download JSON</a>' in page


def test_the_report_prints_without_its_controls(client, editor, report) -> None:
    client.force_login(editor)
    page = client.get(url(report)).content.decode()
    assert 'href="/static/advisor/css/print.css" media="print"' in page
    assert '<div class="d-flex flex-wrap gap-2 mb-4 no-print">' in page  # exports, edit, re-run
    assert '<section class="card mb-4 no-print" aria-labelledby="share-heading">' in page
    css = Path(finders.find("advisor/css/print.css")).read_text()
    assert ".no-print" in css
    assert "display: none" in css


HOSTILE_TITLE = "<script>alert(1)</script> [click](https://evil.example) **now** | x"
HOSTILE_NOTES = (
    "# Not a heading\n<img src=x onerror=alert(1)>\n- not a list\n    not code\n1. nor this"
)


def test_markdown_export_escapes_what_people_write(client, viewer, org) -> None:
    """Found in the attack: titles, notes and workload names went out unescaped, so a
    title could carry HTML or a link into whatever renders the export."""
    report = make_report(org, title=HOSTILE_TITLE, notes=HOSTILE_NOTES)
    client.force_login(viewer)

    markdown = client.get(url(report, "export.md")).content.decode()

    assert not re.search(r"(?<!\\)<(script|img)", markdown)
    assert "[click](" not in markdown
    assert " **now**" not in markdown
    assert markdown.startswith(
        r"# \<script\>alert(1)\</script\> \[click\](https://evil.example) \*\*now\*\* \| x" + "\n"
    )
    lines = markdown.splitlines()
    assert r"\# Not a heading" in lines
    assert r"\- not a list" in lines
    assert "not code" in lines
    assert r"\1. nor this" in lines


def test_markdown_export_escapes_workload_names(client, viewer, org) -> None:
    knowledge = current_knowledge()
    workloads = advice.usable_workloads(
        knowledge,
        [{"name": "<b>Triage</b> | [x](y)", "answers": {"data_sensitivity": "regulated"}}],
    )
    snapshot = build_plan(knowledge, workloads)
    report = Report.objects.create(
        org=org,
        title="Plan",
        kind=Report.Kind.PLAN,
        inputs=advice.plan_inputs(workloads),
        snapshot=snapshot,
        ruleset_version=knowledge.version,
    )
    client.force_login(viewer)

    markdown = client.get(url(report, "export.md")).content.decode()

    assert not re.search(r"(?<!\\)<b>", markdown)
    assert r"\<b\>Triage\</b\> \| \[x\](y)" in markdown
