"""Every page type passes axe with no serious or critical violation, at desktop and phone width.

Each page is also saved as a full-page screenshot under test-results/screenshots/ so a person
can look at the layout at both widths.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

logger = logging.getLogger(__name__)

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Wider than the viewport means the phone user scrolls the whole page sideways.
PAGE_WIDTH = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
BLOCKING = {"serious", "critical"}
PASSWORD = "Quiet-harbour-lantern-42"


def describe(violation: dict) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    more = len(violation["nodes"]) - 5
    extra = f" (+{more} more)" if more > 0 else ""
    return (
        f"{violation['id']} [{violation['impact']}] {violation['help']}: {targets}{extra}"
        f" <{violation['helpUrl']}>"
    )


@dataclass
class Audit:
    """Runs axe and takes the screenshots on each page; reports everything at the end."""

    page: Page
    axe: Axe = field(default_factory=Axe)
    visited: list[str] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)
    advisory: list[str] = field(default_factory=list)

    def __call__(self, name: str) -> None:
        self.visited.append(name)
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            self.page.set_viewport_size(viewport)
            results = self.axe.run(self.page)
            for violation in results.response["violations"]:
                line = f"{name} ({width}): {describe(violation)}"
                if violation["impact"] in BLOCKING:
                    self.blocking.append(line)
                else:
                    self.advisory.append(line)
            self.page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
            scroll_width, client_width = self.page.evaluate(PAGE_WIDTH)
            if scroll_width > client_width:
                self.blocking.append(
                    f"{name} ({width}): the page is {scroll_width}px wide in a"
                    f" {client_width}px viewport (put wide content in a .table-responsive)"
                )
        self.page.set_viewport_size(DESKTOP)


def next_step(page: Page) -> None:
    page.get_by_role("button", name="Next").click()


def at(page: Page, path: str) -> None:
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


def form_field(page: Page, label: str):
    """A form field by its label; crispy marks required fields with an asterisk."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def test_every_page_type_passes_axe(page: Page, site: str, watch, django_user_model) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    audit = Audit(page)
    main = page.locator("main")

    page.goto(site + "/")
    audit("home")

    # Every question step, the conditional uptime step, priorities and the review.
    page.get_by_role("link", name="Start the questions").click()
    at(page, "/wizard/step/data_sensitivity/")
    audit("step-data_sensitivity")
    page.get_by_role("radio", name="Sensitive", exact=True).check()
    next_step(page)
    at(page, "/wizard/step/requests_per_day/")
    audit("step-requests_per_day")
    next_step(page)  # nothing entered: the error state
    expect(page.get_by_role("alert")).to_contain_text("Enter a whole number")
    audit("step-requests_per_day-error")
    page.get_by_role("spinbutton").fill("5000")
    next_step(page)
    at(page, "/wizard/step/team_capacity/")
    audit("step-team_capacity")
    page.get_by_role("radio", name=re.compile("technical team")).check()
    next_step(page)
    at(page, "/wizard/step/customization/")
    audit("step-customization")
    page.get_by_role("radio", name="Standard behaviour is fine").check()
    next_step(page)
    at(page, "/wizard/step/stage/")
    audit("step-stage")
    page.get_by_role("radio", name="Production").check()
    next_step(page)
    at(page, "/wizard/step/uptime/")
    audit("step-uptime")
    page.get_by_role("radio", name=re.compile("Mission-critical")).check()
    next_step(page)
    at(page, "/wizard/step/frontier_capability/")
    audit("step-frontier_capability")
    page.get_by_role("radio", name=re.compile("No: a good general model")).check()
    next_step(page)
    at(page, "/wizard/step/workload_mix/")
    audit("step-workload_mix")
    page.get_by_role("radio", name=re.compile("One task")).check()
    next_step(page)
    at(page, "/wizard/step/jurisdiction/")
    audit("step-jurisdiction")
    page.get_by_role("radio", name="In the EU or EEA").check()
    next_step(page)
    at(page, "/wizard/step/sector/")
    audit("step-sector")
    page.get_by_role("radio", name="Healthcare").check()
    next_step(page)
    at(page, "/wizard/step/modalities/")
    audit("step-modalities")
    page.get_by_role("radio", name="Images too").check()
    next_step(page)
    at(page, "/wizard/priorities/")
    audit("priorities")
    page.get_by_label("Data privacy").fill("5")
    next_step(page)
    at(page, "/wizard/review/")
    audit("review")

    page.get_by_role("link", name="See my recommendation").click()
    at(page, "/wizard/result/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("We recommend")
    audit("result")

    page.goto(site + "/wizard/?preset=high-volume")
    audit("preset-confirm")

    page.goto(site + "/plan/?preset=financial-services")
    audit("plan-preset-confirm")
    main.get_by_role("button", name="Start with these workloads").click()
    at(page, "/plan/")
    audit("plan")

    page.goto(site + "/accounts/login/")
    audit("login")
    page.goto(site + "/accounts/signup/")
    audit("signup")

    # Sign up, create an organisation, save the result as a report and share it.
    form_field(page, "Username").fill("nadia")
    form_field(page, "Email").fill("nadia@example.com")
    form_field(page, "Password").fill(PASSWORD)
    form_field(page, "Password confirmation").fill(PASSWORD)
    main.get_by_role("button", name="Sign up").click()
    expect(page.locator(".messages")).to_contain_text("Welcome, nadia.")
    page.goto(site + "/orgs/new/")
    form_field(page, "Name").fill("Northwind Clinic")
    main.get_by_role("button", name="Create organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northwind Clinic")
    org_url = page.url
    audit("organisation")

    page.goto(site + "/wizard/result/")
    main.get_by_role("link", name="Save as a report").click()
    form_field(page, "Title").fill("Patient notes summariser")
    main.get_by_role("button", name="Save report").click()
    expect(page).to_have_url(re.compile(r"/orgs/[\w-]+/reports/[\w-]+/$"))
    report_url = page.url
    main.get_by_role("button", name="Create a share link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share link created")
    share_url = page.get_by_label("Link").input_value()
    page.goto(report_url)
    audit("report")
    page.goto(org_url + "reports/")
    audit("report-list")
    page.goto(share_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Patient notes summariser")
    audit("share")

    # An editor signs in through the admin login form and opens the try-it page. Log out from
    # a normal page: the share page's no-referrer policy makes the browser send "Origin: null",
    # which fails the CSRF origin check on the logout POST.
    page.goto(site + "/")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    page.goto(site + "/admin/login/?next=/admin/knowledge/rule/try-it/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    at(page, "/admin/knowledge/rule/try-it/")
    page.locator("#id_preset").select_option("healthcare-finance-legal")
    page.get_by_role("button", name="Load the preset").click()
    expect(page.locator("#tryit-ranking")).to_be_visible()
    audit("admin-try-it")

    summary = "\n".join(audit.advisory) or "none"
    logger.info("axe on %d pages; moderate/minor violations:\n%s", len(audit.visited), summary)
    assert audit.blocking == [], (
        "serious/critical axe violations and phone overflow:\n" + "\n".join(audit.blocking)
    )
