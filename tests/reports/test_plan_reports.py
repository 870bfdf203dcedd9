"""A routing plan saved as a report: snapshot, page, exports, re-run."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from advisor.knowledge.models import Offering, Rule
from advisor.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_report(client: Client, editor, org) -> Report:
    client.force_login(editor)
    client.get("/plan/?preset=financial-services")
    form = client.get("/reports/save/?source=plan").content.decode()
    assert "A routing plan with 3 workloads" in form
    response = client.post(
        "/reports/save/", {"source": "plan", "org": org.code, "title": "Routing", "notes": ""}
    )
    assert response.status_code == 302
    return Report.objects.get()


def test_a_plan_is_saved_with_its_routes_and_prices(client: Client, plan_report: Report) -> None:
    assert plan_report.snapshot["kind"] == "plan"
    html = client.get(plan_report.get_absolute_url()).content.decode()
    assert "Routing table" in html
    assert "Analysing client portfolios" in html
    assert html.count('<svg class="flow"') == 3

    Offering.objects.filter(key="gemini-2-5-flash").update(output_usd_per_mtok=9)
    Rule.objects.update(rationale="Changed later")
    again = client.get(plan_report.get_absolute_url()).content.decode()
    assert "at $540.00 a month" in again  # the alternative's saved price
    assert "Changed later" not in again


def test_plan_exports(client: Client, plan_report: Report) -> None:
    base = plan_report.get_absolute_url()
    markdown = client.get(base + "export.md").content.decode()
    assert "## Routing plan" in markdown
    assert "| Classifying documents | Open model via an API host | $234.00 |" in markdown
    document = json.loads(client.get(base + "export.json").content)
    assert document["result"]["kind"] == "plan"
    assert len(document["result"]["workloads"]) == 3


def test_re_running_a_plan_shows_the_changed_routes(client: Client, plan_report: Report) -> None:
    Rule.objects.filter(name__startswith="High volume: open model via API host").update(points=-100)
    Rule.objects.first().save()  # bump the version
    response = client.post(plan_report.get_absolute_url() + "rerun/")
    rerun = Report.objects.exclude(pk=plan_report.pk).get()
    assert rerun.previous == plan_report
    html = client.get(response["Location"]).content.decode()
    assert "What changed since the previous report" in html
    assert "Classifying documents: Open model via an API host →" in html


def test_the_plan_needs_workloads_before_saving(client: Client, editor, org) -> None:
    client.force_login(editor)
    client.post("/wizard/?preset=high-volume")  # a wizard session, but no plan
    response = client.get("/reports/save/?source=plan")
    assert response.status_code == 302
    assert response["Location"] == "/plan/"
