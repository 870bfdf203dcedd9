"""Re-running a report with today's rules: a new, linked report that shows what changed."""

from __future__ import annotations

import pytest

from advisor.knowledge import models as knowledge
from advisor.knowledge.ruleset import current_knowledge
from advisor.reports.models import Report
from tests.reports.helpers import RUNNER_UP, SELF_HOST_REASON, TOP, text, url

pytestmark = pytest.mark.django_db


def weaken_the_self_host_rule() -> None:
    rule = knowledge.Rule.objects.get(name="Regulated data: self-host")
    rule.points = 1
    rule.save()


def test_rerun_after_a_rule_edit_shows_the_new_top_pick(client, editor, report) -> None:
    before = Report.objects.values().get(pk=report.pk)
    weaken_the_self_host_rule()
    client.force_login(editor)

    response = client.post(url(report, "rerun/"))

    rerun = Report.objects.exclude(pk=report.pk).get()
    assert response.status_code == 302
    assert response.headers["Location"] == url(rerun)
    assert rerun.previous == report
    assert rerun.org == report.org
    assert rerun.title == report.title
    assert rerun.created_by == editor
    assert rerun.code != report.code
    assert rerun.inputs["answers"] == report.inputs["answers"]
    assert rerun.ruleset_version == current_knowledge().version > report.ruleset_version
    assert rerun.snapshot["top"]["label"] == RUNNER_UP

    page = text(client.get(response.headers["Location"]))
    assert "What changed since the previous report" in page
    assert (
        f"The recommendation changed from <strong>{TOP}</strong> to <strong>{RUNNER_UP}</strong>."
        in page
    )
    assert f"{TOP}: 100 → 1" in page
    assert f"Knowledge base version {report.ruleset_version} → {rerun.ruleset_version}." in page
    assert f"{TOP}: {SELF_HOST_REASON} (1)" in page  # a new reason
    assert f"{TOP}: {SELF_HOST_REASON} (100)" in page  # one that no longer applies
    assert f'href="{url(report)}"' in page  # links back to the previous report
    assert "Re-run with today's rules. The changes are listed below." in page

    # The old report is untouched, and says its rules have changed since.
    assert Report.objects.values().get(pk=report.pk) == before
    old_page = text(client.get(url(report)))
    assert "What changed since the previous report" not in old_page
    assert f'<h2 id="top-heading" class="h3">{TOP}</h2>' in old_page
    assert "Re-run with today's rules (rules changed since)" in old_page


def test_rerun_without_knowledge_changes_says_nothing_changed(client, owner, report) -> None:
    client.force_login(owner)

    response = client.post(url(report, "rerun/"))

    # No identical copy: back to the report, which says so.
    assert response.status_code == 302
    assert response["Location"] == url(report)
    assert not Report.objects.filter(previous=report).exists()
    page = text(client.get(response["Location"]))
    assert "Nothing has changed since this report" in page


def test_rerun_after_a_version_bump_with_the_same_result_says_nothing_else_changed(
    client, owner, report
) -> None:
    knowledge.Rule.objects.first().save()  # a new knowledge version, same answers
    client.force_login(owner)

    page = text(client.post(url(report, "rerun/"), follow=True))

    assert "What changed since the previous report" in page
    assert f"The recommendation is still <strong>{TOP}</strong>." in page
    assert Report.objects.get(previous=report).ruleset_version > report.ruleset_version


def test_rerun_drops_answers_that_no_longer_fit_and_says_so(client, editor, report) -> None:
    # Rules and obligations' triggers test the question, so an editor deletes them first
    # (the admin insists).
    knowledge.Rule.objects.filter(conditions__question__key="data_sensitivity").delete()
    knowledge.ObligationTrigger.objects.filter(question="data_sensitivity").delete()
    knowledge.Question.objects.get(key="data_sensitivity").delete()
    client.force_login(editor)

    page = text(client.post(url(report, "rerun/"), follow=True))

    rerun = Report.objects.get(previous=report)
    assert rerun.inputs["answers"] == {}
    assert "no longer fit today's questions and were left out: data_sensitivity" in page
    assert report.inputs["answers"] == {"data_sensitivity": "regulated"}


def test_deleting_the_previous_report_keeps_the_rerun(client, editor, report) -> None:
    knowledge.Rule.objects.first().save()  # a new knowledge version: the re-run is a new report
    client.force_login(editor)
    client.post(url(report, "rerun/"))
    rerun = Report.objects.get(previous=report)

    client.post(url(report, "delete/"))

    rerun.refresh_from_db()
    assert rerun.previous is None
    response = client.get(url(rerun))
    assert response.status_code == 200
    assert "What changed since the previous report" not in text(response)
