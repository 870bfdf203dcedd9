"""The routing plan in Chromium: start from the example, edit a workload in place (htmx) and
on its own page (no JavaScript), see the shared platform, never scroll sideways on a phone,
and (with JavaScript, which axe needs) no serious accessibility violation on the way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_accessibility import BLOCKING, describe

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def visitor(request, browser: Browser, site: str) -> Iterator[tuple[Page, bool]]:
    context = browser.new_context(java_script_enabled=request.param, base_url=site, viewport=PHONE)
    yield context.new_page(), request.param
    context.close()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def check(page: Page, javascript: bool) -> None:
    no_sideways_scroll(page)
    if javascript:
        violations = Axe().run(page).response["violations"]
        assert not [describe(v) for v in violations if v["impact"] in BLOCKING]


def test_the_plan_journey(visitor: tuple[Page, bool]) -> None:
    page, javascript = visitor
    page.goto("/plan/?preset=financial-services")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Start the plan from")
    check(page, javascript)
    page.get_by_role("button", name="Start with these workloads").click()
    expect(page.get_by_role("heading", name="Routing table")).to_be_visible()
    check(page, javascript)

    for name in ("Notes", "Claims"):
        page.locator("#id_workload_name").fill(name)
        page.locator("#id_workload_data_sensitivity").select_option("sensitive")
        page.locator("#id_workload_requests_per_day").fill("1000")
        page.get_by_role("button", name="Add and route it").click()
        expect(page.locator("#plan-body")).to_contain_text(f"{name} → ")
    expect(page.locator(".shared-platform")).to_contain_text("a saving of")
    check(page, javascript)

    page.get_by_role("link", name="Edit Claims").click()
    expect(page.get_by_role("form", name="Edit Claims")).to_be_visible()
    check(page, javascript)
    page.locator("#id_edit_name").fill("")
    page.get_by_role("button", name="Save and re-route").click()
    expect(page.locator("#id_edit_name")).to_have_attribute("aria-invalid", "true")
    page.locator("#id_edit_name").fill("Claims review")
    page.locator("#id_edit_requests_per_day").fill("2500")
    page.get_by_role("button", name="Save and re-route").click()
    expect(page.locator("#plan-body")).to_contain_text("Claims review → ")
    expect(page.locator("#id_edit_name")).to_have_count(0)
    expect(page.locator(".shared-platform")).to_contain_text("3,500 requests a day")
