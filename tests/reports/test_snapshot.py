"""A saved report is a snapshot: editing or deleting knowledge later never changes it."""

from __future__ import annotations

import json
import re

import pytest

from advisor.knowledge import models as knowledge
from advisor.knowledge.ruleset import current_knowledge
from advisor.reports.models import Report
from tests.reports.helpers import (
    DATA_QUESTION,
    FINE_TUNE_REASON,
    RUNNER_UP,
    SELF_HOST_REASON,
    TOP,
    start_wizard,
    text,
    url,
)

pytestmark = pytest.mark.django_db

WORKLOAD_QUESTION = "Is this one task or many different ones?"


def ranking_on(page: str) -> list[tuple[str, str]]:
    """(label, score) of each ranked approach, in the order the page lists them."""
    return re.findall(
        r'<span class="fw-semibold">\d+\. ([^<]+)</span>.*?<span class="score">(-?\d+) points',
        page,
        flags=re.DOTALL,
    )


def edit_the_knowledge() -> None:
    """What an editor might do in the admin after the report was saved."""
    rule = knowledge.Rule.objects.get(name="Regulated data: self-host")
    rule.rationale = "Edited: keep it in-house."
    rule.points = 3
    rule.save()
    question = knowledge.Question.objects.get(key="data_sensitivity")
    question.prompt = "Renamed: how sensitive is it?"
    question.save()
    knowledge.Approach.objects.get(key="open_fine_tuned").delete()
    # Rules test the question, so an editor deletes them first (the admin insists).
    knowledge.Rule.objects.filter(conditions__question__key="workload_mix").delete()
    knowledge.Question.objects.get(key="workload_mix").delete()


def test_report_page_and_exports_survive_knowledge_edits(client, org, editor) -> None:
    client.force_login(editor)
    start_wizard(client)
    response = client.post("/reports/save/", {"org": org.code, "title": "Clinic notes"})
    report = Report.objects.get()
    assert response.headers["Location"] == url(report)
    saved_version = report.ruleset_version
    before = text(client.get(url(report)))
    ranking_before = ranking_on(before)
    assert ranking_before[:2] == [(TOP, "100"), (RUNNER_UP, "85")]
    markdown_before = client.get(url(report, "export.md")).content.decode()
    json_before = json.loads(client.get(url(report, "export.json")).content)

    edit_the_knowledge()

    # The knowledge really changed: a fresh result no longer says what the report says.
    today = current_knowledge()
    assert today.version > saved_version
    assert today.approach("open_fine_tuned") is None
    assert today.question("workload_mix") is None
    assert today.question("data_sensitivity").prompt == "Renamed: how sensitive is it?"
    fresh = text(client.get("/wizard/result/"))
    assert "Edited: keep it in-house." in fresh
    assert SELF_HOST_REASON not in fresh

    after = text(client.get(url(report)))
    assert ranking_on(after) == ranking_before
    for original in (
        TOP,
        RUNNER_UP,
        SELF_HOST_REASON,
        FINE_TUNE_REASON,
        DATA_QUESTION,
        WORKLOAD_QUESTION,
        f"knowledge base version {saved_version}",
    ):
        assert original in after, original
    for edited in ("Edited: keep it in-house.", "Renamed: how sensitive is it?"):
        assert edited not in after, edited

    markdown_after = client.get(url(report, "export.md")).content.decode()
    assert markdown_after == markdown_before
    assert "| 1 | Open model, self-hosted | 100 | no |" in markdown_after
    assert "| 2 | Fine-tuned open model | 85 | no |" in markdown_after
    assert f"- {SELF_HOST_REASON} (100; because: {DATA_QUESTION} Regulated)" in markdown_after
    assert f"- {WORKLOAD_QUESTION}: not answered" in markdown_after

    json_after = json.loads(client.get(url(report, "export.json")).content)
    assert json_after == json_before
    assert json_after["ruleset_version"] == saved_version
    assert json_after["result"]["ranking"][1]["label"] == RUNNER_UP
    assert json_after["result"]["ranking"][0]["reasons"][0]["text"] == SELF_HOST_REASON
