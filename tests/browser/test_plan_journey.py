"""The routing plan in Chromium: start from the example, edit a workload in place (htmx) and
on its own page (no JavaScript), see the shared platform, never scroll sideways on a phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def visitor(request, browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=request.param, base_url=site, viewport=PHONE)
    yield context.new_page()
    context.close()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_the_plan_journey(visitor: Page) -> None:
    visitor.goto("/plan/?preset=financial-services")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Start the plan from")
    visitor.get_by_role("button", name="Start with these workloads").click()
    expect(visitor.get_by_role("heading", name="Routing table")).to_be_visible()
    no_sideways_scroll(visitor)

    for name in ("Notes", "Claims"):
        visitor.locator("#id_workload_name").fill(name)
        visitor.locator("#id_workload_data_sensitivity").select_option("sensitive")
        visitor.locator("#id_workload_requests_per_day").fill("1000")
        visitor.get_by_role("button", name="Add and route it").click()
        expect(visitor.locator("#plan-body")).to_contain_text(f"{name} → ")
    expect(visitor.locator(".shared-platform")).to_contain_text("a saving of")
    no_sideways_scroll(visitor)

    visitor.get_by_role("link", name="Edit Claims").click()
    form = visitor.get_by_role("form", name="Edit Claims")
    expect(form).to_be_visible()
    no_sideways_scroll(visitor)
    visitor.locator("#id_edit_name").fill("")
    visitor.get_by_role("button", name="Save and re-route").click()
    expect(visitor.locator("#id_edit_name")).to_have_attribute("aria-invalid", "true")
    visitor.locator("#id_edit_name").fill("Claims review")
    visitor.locator("#id_edit_requests_per_day").fill("2500")
    visitor.get_by_role("button", name="Save and re-route").click()
    expect(visitor.locator("#plan-body")).to_contain_text("Claims review → ")
    expect(visitor.locator("#id_edit_name")).to_have_count(0)
    expect(visitor.locator(".shared-platform")).to_contain_text("3,500 requests a day")
