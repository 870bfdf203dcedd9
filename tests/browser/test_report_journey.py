"""A newcomer signs up, saves a recommendation as a report, shares it and revokes the link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Patient notes summariser"


def field(page: Page, label: str):
    """A form field by its label; crispy marks required fields with an asterisk."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def test_save_share_and_revoke_a_report(page: Page, browser: Browser, site: str, watch) -> None:
    main = page.locator("main")

    # Sign up, then create an organisation to save reports into.
    page.goto(site + "/accounts/signup/")
    field(page, "Username").fill("nadia")
    field(page, "Email").fill("nadia@example.com")
    field(page, "Password").fill("Quiet-harbour-lantern-42")
    field(page, "Password confirmation").fill("Quiet-harbour-lantern-42")
    main.get_by_role("button", name="Sign up").click()
    expect(page.locator(".messages")).to_contain_text("Welcome, nadia.")

    page.goto(site + "/orgs/new/")
    field(page, "Name").fill("Northwind Clinic")
    main.get_by_role("button", name="Create organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northwind Clinic")

    # Answer the questions from a preset and open the result.
    page.goto(site + "/wizard/?preset=healthcare-finance-legal")
    page.get_by_role("button", name="Start with these answers").click()  # a preset asks first
    expect(page).to_have_url(re.compile(r"/wizard/review/$"))
    page.get_by_role("link", name="See my recommendation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "We recommend: Open model, self-hosted"
    )

    # Save it as a report.
    main.get_by_role("link", name="Save as a report").click()
    expect(page).to_have_url(re.compile(r"/reports/save/$"))
    expect(field(page, "Organisation")).to_have_value(re.compile(r".+"))
    expect(field(page, "Organisation").locator("option")).to_have_text(["Northwind Clinic"])
    field(page, "Title").fill(TITLE)
    field(page, "Notes").fill("For the clinic board.")
    main.get_by_role("button", name="Save report").click()
    expect(page).to_have_url(re.compile(r"/orgs/[\w-]+/reports/[\w-]+/$"))
    report_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".messages")).to_contain_text("Report saved.")
    expect(page.locator("#top-heading")).to_have_text("Open model, self-hosted")

    # Create a share link; it is shown once.
    main.get_by_role("button", name="Create a share link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share link created")
    share_url = page.get_by_label("Link").input_value()
    assert re.fullmatch(re.escape(site) + r"/s/[A-Za-z0-9_-]{22,}/", share_url), share_url

    # Someone without an account opens it in a fresh browser.
    stranger = browser.new_context()
    try:
        other = stranger.new_page()
        response = other.goto(share_url)
        assert response is not None
        assert response.status == 200
        assert response.headers["referrer-policy"] == "no-referrer"
        expect(other.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(other.locator("#top-heading")).to_have_text("Open model, self-hosted")
        expect(other.get_by_text("Shared read-only by Northwind Clinic")).to_be_visible()
        expect(other.get_by_role("button", name="Create a share link")).to_have_count(0)
        expect(other.get_by_role("link", name="Log in")).to_be_visible()  # not logged in

        # The owner sees the view, then revokes the link.
        main.get_by_role("link", name="Back to the report").click()
        expect(page).to_have_url(report_url)
        links = page.locator("section[aria-labelledby=share-heading] tbody tr")
        expect(links).to_have_count(1)
        expect(links.locator("td").nth(1)).to_have_text("nadia")
        expect(links.locator("td").nth(4)).to_have_text("1")
        expect(links.locator("td").nth(5)).to_have_text("active")
        main.get_by_role("button", name=re.compile(r"^Revoke")).click()
        expect(page.locator(".messages")).to_contain_text("Share link revoked")
        expect(links.locator("td").nth(5)).to_have_text("revoked")
        expect(main.get_by_role("button", name=re.compile(r"^Revoke"))).to_have_count(0)

        # The stranger's next visit finds the link revoked (a 404 in the unwatched page).
        response = other.reload()
        assert response is not None
        assert response.status == 404
        expect(other.get_by_role("heading", level=1)).to_have_text("This share link doesn't work")
        expect(other.get_by_text("The person who shared it has revoked it.")).to_be_visible()
        expect(other.get_by_text(TITLE)).to_have_count(0)
    finally:
        stranger.close()
