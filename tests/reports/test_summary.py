"""The executive summary at the top of the result, report and share pages."""

from __future__ import annotations

import re

import pytest

from advisor.reports.models import Report
from tests.reports.helpers import make_link, make_report, preset_answers, start_wizard, text, url

pytestmark = pytest.mark.django_db

PRICED = "high-volume"  # answers the volume, so the result has costs


def summary_of(page: str) -> str:
    match = re.search(r'<section class="executive-summary.*?</section>', page, re.S)
    assert match, "no executive summary on the page"
    return match.group(0)


def test_the_result_page_opens_with_the_summary(client) -> None:
    start_wizard(client, PRICED)

    page = text(client.get("/wizard/result/"))

    summary = summary_of(page)
    assert page.index("executive-summary") < page.index('id="ranking-heading"')
    assert "We recommend" in summary
    assert "Cheapest allowed alternative" in summary
    assert re.search(r"\$[\d,]+\.\d\d to \$[\d,]+\.\d\d", summary), summary
    assert "Next step" in summary


def test_with_no_answers_the_summary_says_there_is_no_signal(client, viewer, org) -> None:
    report = make_report(org, answers={})
    client.force_login(viewer)

    summary = summary_of(text(client.get(url(report))))

    assert 'data-state="no_signal"' in summary
    assert "We recommend" not in summary
    assert "no signal" in summary


def test_the_report_and_share_pages_show_the_summary(client, viewer, org) -> None:
    report = make_report(org, answers=preset_answers(PRICED))
    _, token = make_link(report)
    client.force_login(viewer)

    for address in (url(report), f"/s/{token}/"):
        summary = summary_of(text(client.get(address)))
        assert "We recommend" in summary
        assert "a month" in summary


def test_a_saved_report_summary_comes_from_its_snapshot(client, viewer, org) -> None:
    report = make_report(org, answers=preset_answers(PRICED))
    snapshot = report.snapshot
    top = snapshot["top"]["key"]
    for row in snapshot["costs"]["approaches"]:
        if row["approach"] == top:
            row["monthly_usd"] = 12345.67
    snapshot["costs"]["analysis"]["sensitivity"] = []
    Report.objects.filter(pk=report.pk).update(snapshot=snapshot)
    client.force_login(viewer)

    summary = summary_of(text(client.get(url(report))))

    assert "$12,345.67" in summary


def test_a_plan_report_has_a_summary(client, viewer, org) -> None:
    from advisor import advice
    from advisor.knowledge.ruleset import current_knowledge
    from advisor.reports.views import build_snapshot

    knowledge = current_knowledge()
    workloads = [
        {"name": "Chat", "answers": {"data_sensitivity": "non_sensitive", "requests_per_day": 500}},
        {"name": "Notes", "answers": {"data_sensitivity": "regulated", "requests_per_day": 900}},
    ]
    inputs = advice.plan_inputs(advice.usable_workloads(knowledge, workloads))
    report = Report.objects.create(
        org=org,
        title="Plan",
        kind=advice.PLAN,
        inputs=inputs,
        snapshot=build_snapshot(knowledge, advice.PLAN, inputs),
        ruleset_version=knowledge.version,
    )
    client.force_login(viewer)

    summary = summary_of(text(client.get(url(report))))

    assert "Route 2 workloads" in summary
    assert "Combined monthly cost" in summary
