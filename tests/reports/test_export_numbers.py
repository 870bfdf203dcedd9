"""The Markdown export carries the numbers: summary, costs, comparison, caveats, shortlist."""

from __future__ import annotations

import re

import pytest

from advisor.reports.models import Report
from tests.reports.helpers import make_report, preset_answers, url

pytestmark = pytest.mark.django_db

PRICED = "high-volume"


def markdown(client, report: Report) -> str:
    response = client.get(url(report, "export.md"))
    assert response.status_code == 200
    return response.content.decode()


def money(value: float) -> str:
    return f"${value:,.2f}"


def test_it_opens_with_the_executive_summary(client, viewer, org) -> None:
    report = make_report(org, answers=preset_answers(PRICED))
    client.force_login(viewer)

    text = markdown(client, report)

    summary = text.split("## Summary", 1)[1].split("\n## ", 1)[0]
    assert f"We recommend {report.snapshot['top']['label']}" in summary
    assert "Cheapest allowed alternative" in summary
    assert "Next step" in summary
    assert text.index("## Summary") < text.index("## Ranking")


def test_it_has_every_approach_s_monthly_cost(client, viewer, org) -> None:
    report = make_report(org, answers=preset_answers(PRICED))
    client.force_login(viewer)

    text = markdown(client, report)

    costs = text.split("## Costs at", 1)[1].split("\n## ", 1)[0]
    for row in report.snapshot["costs"]["approaches"]:
        assert row["allowed"]
        assert money(row["monthly_usd"]) in costs


def test_it_has_the_comparison_table(client, viewer, org) -> None:
    report = make_report(org, answers=preset_answers(PRICED))
    client.force_login(viewer)
    comparison = report.snapshot["comparison"]

    text = markdown(client, report)

    table = text.split("## Head to head", 1)[1].split("\n## ", 1)[0]
    for row in comparison["rows"]:
        assert re.search(
            rf"\| {re.escape(row['label'])}.*\| {row['weight']} \| "
            + r" \| ".join(str(r) for r in row["ratings"])
            + " |",
            table,
        ), row["label"]
    for total in comparison["totals"]:
        assert f"**{total}%**" in table


def test_it_has_the_caveats(client, viewer, org) -> None:
    report = make_report(org, answers=preset_answers(PRICED))
    client.force_login(viewer)
    assert report.snapshot["caveats"]

    text = markdown(client, report)

    caveats = text.split("## Caveats", 1)[1].split("\n## ", 1)[0]
    for caveat in report.snapshot["caveats"]:
        assert caveat["text"][:40] in caveats


def test_it_refers_to_no_section_it_does_not_have(client, viewer, org) -> None:
    report = make_report(org, answers=preset_answers(PRICED))
    client.force_login(viewer)

    text = markdown(client, report)

    # The volume caveat sends the reader to "the costs below" and "the break-even line".
    if "the costs below" in text:
        assert "## Costs at" in text
    if "break-even line" in text:
        assert "Break-even line," in text
    assert "chart" not in text.lower() or "Break-even line," in text


def test_the_shortlist_is_there_when_the_result_has_one(client, viewer, org) -> None:
    report = make_report(org, answers=preset_answers(PRICED))
    snapshot = report.snapshot
    snapshot["shortlist"] = [
        {
            "approach": "open_api_host",
            "label": "Open model via an API host",
            "models": [
                {
                    "name": "Llama 4 Maverick",
                    "vendor": "Together AI",
                    "monthly_usd": 234.0,
                    "license_name": "Llama 4 Community License",
                    "price": {"as_of": "2025-08-01"},
                }
            ],
        }
    ]
    Report.objects.filter(pk=report.pk).update(snapshot=snapshot)
    client.force_login(viewer)

    text = markdown(client, report)

    shortlist = text.split("## Models to shortlist", 1)[1].split("\n## ", 1)[0]
    assert (
        "| Llama 4 Maverick | Together AI | $234.00 | Llama 4 Community License | 2025-08-01 |"
        in shortlist
    )


def test_without_a_shortlist_there_is_no_shortlist_heading(client, viewer, org) -> None:
    report = make_report(org, answers=preset_answers(PRICED))
    snapshot = report.snapshot
    snapshot.pop("shortlist", None)  # a report saved before shortlists existed
    Report.objects.filter(pk=report.pk).update(snapshot=snapshot)
    client.force_login(viewer)

    assert "shortlist" not in markdown(client, report).lower()


def test_a_report_without_a_volume_says_what_would_give_costs(client, viewer, org) -> None:
    report = make_report(org)  # the healthcare preset answers no volume
    client.force_login(viewer)

    text = markdown(client, report)

    assert "## Costs at" not in text
    assert "requests a day you expect" in text.split("## Summary", 1)[1].split("\n## ", 1)[0]


def test_the_json_export_has_the_summary_too(client, viewer, org) -> None:
    report = make_report(org, answers=preset_answers(PRICED))
    client.force_login(viewer)

    document = client.get(url(report, "export.json")).json()

    assert document["summary"]["state"] == "pick"
    assert document["summary"]["pick"]["approach"] == report.snapshot["top"]["key"]
    assert document["result"] == report.snapshot


def test_the_shortlist_of_a_real_result_is_in_the_markdown(client, viewer, org) -> None:
    report = make_report(org, answers=preset_answers(PRICED))
    client.force_login(viewer)
    shortlist = report.snapshot["shortlist"]
    assert shortlist  # the shipped catalogue names models for the high-volume preset

    text = markdown(client, report).split("## Models to shortlist", 1)[1].split("\n## ", 1)[0]

    for group in shortlist:
        for model in group["models"]:
            assert f"| {model['name']} | {model['vendor']} |" in text
            if model["monthly_usd"] is not None:
                assert money(model["monthly_usd"]) in text
