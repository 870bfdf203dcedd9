"""A bad answer on every kind of step shows its message under the field, announced to
screen readers (aria-invalid, aria-describedby), with JavaScript on (htmx) and off."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def visitor(request, browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=request.param, base_url=site)
    yield context.new_page()
    context.close()


def assert_error_under(page: Page, control: str, message: str) -> None:
    """The control is marked invalid and described by a message shown below it."""
    field = page.locator(control).first
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = page.locator(f"{control} >> xpath=ancestor-or-self::*[@aria-describedby][1]")
    ids = described_by.first.get_attribute("aria-describedby") or ""
    error_ids = [i for i in ids.split() if i.endswith("_error")]
    assert error_ids, ids
    error = page.locator(f"#{error_ids[0]}")
    expect(error).to_be_visible()
    expect(error).to_have_text(message)
    # Both positions read at the same moment (focus may still be scrolling the page).
    below = field.evaluate(
        "(field, id) => document.getElementById(id).getBoundingClientRect().top"
        " > field.getBoundingClientRect().top",
        error_ids[0],
    )
    assert below


def next_step(page: Page) -> None:
    page.get_by_role("button", name="Next").click()


def test_a_choice_step(visitor: Page) -> None:
    visitor.goto("/wizard/step/data_sensitivity/")
    next_step(visitor)
    assert_error_under(visitor, "input[name=answer]", "Choose one of the answers to continue.")


def test_a_number_step(visitor: Page) -> None:
    visitor.goto("/wizard/step/data_sensitivity/")
    visitor.get_by_role("radio", name="Sensitive", exact=True).check()
    next_step(visitor)
    visitor.get_by_role("spinbutton").fill("-5")
    next_step(visitor)
    assert_error_under(
        visitor, "input[name=answer]", "Ensure this value is greater than or equal to 0."
    )


def test_the_priorities_step(visitor: Page) -> None:
    visitor.goto("/wizard/step/data_sensitivity/")
    visitor.get_by_role("radio", name="Sensitive", exact=True).check()
    next_step(visitor)
    visitor.goto("/wizard/priorities/")
    visitor.locator("input[name=performance]").fill("9")
    next_step(visitor)
    assert_error_under(visitor, "input[name=performance]", "Give a number from 0 to 5.")


def test_the_plan_form(visitor: Page) -> None:
    visitor.goto("/plan/")
    visitor.locator("input[name=requests_per_day]").fill("-1")
    visitor.get_by_role("button", name="Add and route it").click()
    assert_error_under(visitor, "input[name=name]", "This field is required.")
    assert_error_under(
        visitor, "input[name=requests_per_day]", "Ensure this value is greater than or equal to 0."
    )
