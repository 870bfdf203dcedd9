"""The admin for editors: the rule and price lists fit a 1366 px laptop screen, and a
condition's option picker offers only the chosen question's options."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
PASSWORD = "Quiet-harbour-lantern-42"


@pytest.fixture
def editor_page(page: Page, site: str, django_user_model) -> Page:
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    page.set_viewport_size(LAPTOP)
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


@pytest.mark.parametrize("path", ["rule", "offering", "gpuprice", "question"])
def test_the_lists_fit_a_laptop(editor_page: Page, site: str, path: str, watch) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    editor_page.goto(f"{site}/admin/knowledge/{path}/")
    editor_page.screenshot(path=SCREENSHOTS / f"admin-{path}-1366.png", full_page=True)

    width = editor_page.evaluate("document.documentElement.scrollWidth")
    assert width <= LAPTOP["width"], f"/admin/knowledge/{path}/ is {width}px wide"
    # Django puts the list in a box that scrolls sideways: no column may hide there.
    inner, box = editor_page.evaluate(
        "(() => { const r = document.querySelector('#changelist .results');"
        " return [r.scrollWidth, r.clientWidth]; })()"
    )
    assert inner <= box, f"/admin/knowledge/{path}/: the list is {inner}px in a {box}px box"


def test_a_condition_offers_only_its_question_s_options(
    editor_page: Page, site: str, watch
) -> None:
    from advisor.knowledge.models import Option, Question

    editor_page.goto(site + "/admin/knowledge/rule/add/")
    row = editor_page.locator("#conditions-group tbody tr.form-row").first
    question = row.locator("select[name$='-question']")
    option = row.locator("select[name$='-option']")
    data = Question.objects.get(key="data_sensitivity")

    question.select_option(str(data.pk))

    offered = option.evaluate(
        "s => Array.from(s.options).filter(o => o.value && !o.hidden).map(o => o.value)"
    )
    expected = {str(pk) for pk in Option.objects.filter(question=data).values_list("pk", flat=True)}
    assert set(offered) == expected
    team = Question.objects.get(key="team_capacity")
    question.select_option(str(team.pk))
    offered = option.evaluate(
        "s => Array.from(s.options).filter(o => o.value && !o.hidden).map(o => o.value)"
    )
    assert set(offered) == {
        str(pk) for pk in Option.objects.filter(question=team).values_list("pk", flat=True)
    }
    expect(option).to_have_value("")
