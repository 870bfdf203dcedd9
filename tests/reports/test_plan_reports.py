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
    client.post("/plan/?preset=financial-services")
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
    assert "- Gateway: `task/classifying-documents` → `together_ai/" in markdown
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


ROUTING_FILES = ("litellm-config.yaml", "portkey-config.json", "routing-policy.json")


def test_the_gateway_exports_are_frozen_with_the_report(
    client: Client, plan_report: Report
) -> None:
    base = plan_report.get_absolute_url() + "routing/"
    html = client.get(plan_report.get_absolute_url()).content.decode()
    before = {}
    for filename in ROUTING_FILES:
        assert f'href="{base}{filename}"' in html
        response = client.get(base + filename)
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        before[filename] = response.content
    assert before["litellm-config.yaml"].startswith(b"# Report: Routing\n")

    # Prices and rules change: a new knowledge version, different routes and prices.
    Offering.objects.filter(key="gpt-5").update(input_usd_per_mtok=99, output_usd_per_mtok=99)
    Offering.objects.filter(key="llama-4-maverick-together").update(output_usd_per_mtok=50)
    Rule.objects.filter(name__startswith="High volume: open model via API host").update(points=-100)
    Rule.objects.first().save()  # bump the version
    fresh = client.post("/plan/?preset=financial-services") and client.get("/plan/litellm.yaml")
    assert fresh.content != before["litellm-config.yaml"]  # today's plan does change

    for filename in ROUTING_FILES:
        assert client.get(base + filename).content == before[filename], filename


def test_a_result_report_has_no_gateway_exports(client: Client, editor, org) -> None:
    client.force_login(editor)
    client.post("/wizard/?preset=high-volume")
    client.post("/reports/save/", {"source": "wizard", "org": org.code, "title": "One"})
    report = Report.objects.get()
    assert client.get(report.get_absolute_url() + "routing/litellm-config.yaml").status_code == 404


def test_an_unknown_export_is_404(client: Client, plan_report: Report) -> None:
    url = plan_report.get_absolute_url() + "routing/secrets.txt"
    assert client.get(url).status_code == 404


def test_a_saved_plan_keeps_its_shared_platform(client: Client, editor, org) -> None:
    client.force_login(editor)
    for name in ("Notes", "Claims", "Emails"):
        client.post(
            "/plan/add/",
            {"name": name, "data_sensitivity": "sensitive", "requests_per_day": "1000"},
        )
    client.post("/reports/save/", {"source": "plan", "org": org.code, "title": "Shared"})
    report = Report.objects.get()
    (platform,) = report.snapshot["platforms"]
    amount = f"${platform['saving_monthly_usd']:,.2f}"
    page = client.get(report.get_absolute_url()).content.decode()
    assert f"a saving of <strong>{amount} a month" in page
    markdown = client.get(report.get_absolute_url() + "export.md").content.decode()
    assert f"(a saving of {amount})" in markdown
