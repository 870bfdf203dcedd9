"""The wizard from a visitor's point of view, with and without htmx."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client

from advisor.knowledge.models import Option, Question, Rule
from advisor.wizard.models import WizardSession
from advisor.wizard.store import COOKIE
from tests.html import field_error, inputs
from tests.wizard.conftest import FULL_ANSWERS, HTMX, answer

pytestmark = pytest.mark.django_db


def test_landing_page_offers_the_wizard_and_all_ten_presets(client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'href="/wizard/"' in html
    for slug in [
        "prototyping-quickly",
        "processing-customer-pii",
        "low-volume-non-sensitive",
        "high-volume",
        "healthcare-finance-legal",
        "latest-multimodal-features",
        "domain-specific-fine-tuning",
        "small-team-no-ml-engineers",
        "regulated-strict-data-residency",
        "general-business-automation",
    ]:
        assert f"/wizard/?preset={slug}" in html


def test_a_new_visitor_starts_at_the_first_question(client: Client) -> None:
    response = client.get("/wizard/")
    assert response.status_code == 302
    assert response["Location"] == "/wizard/step/data_sensitivity/"
    page = client.get(response["Location"]).content.decode()
    assert "Step 1 of 11" in page
    assert "<legend" in page
    assert "What kind of data will the model see?" in page


def test_plain_post_saves_the_answer_and_redirects_to_the_next_step(client: Client) -> None:
    response = answer(client, "data_sensitivity", "sensitive")
    assert response.status_code == 302
    assert response["Location"] == "/wizard/step/requests_per_day/"
    session = WizardSession.objects.get(pk=client.cookies[COOKIE].value)
    assert session.answers == {"data_sensitivity": "sensitive"}


def test_htmx_post_returns_the_next_step_fragment_and_pushes_its_url(client: Client) -> None:
    response = answer(client, "data_sensitivity", "sensitive", htmx=True)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/wizard/step/requests_per_day/"
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="wizard-step"' in html
    assert "How many requests a day" in html
    assert 'id="leaning" ' in html
    assert 'hx-swap-oob="true"' in html
    assert "Open model, self-hosted" in html  # the side panel already leans


def test_step_pages_vary_on_the_htmx_header(client: Client) -> None:
    full = client.get("/wizard/step/data_sensitivity/")
    fragment = client.get("/wizard/step/data_sensitivity/", **HTMX)
    assert "HX-Request" in full["Vary"]
    assert "<html" in full.content.decode()
    assert "<html" not in fragment.content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_a_missing_answer_rerenders_the_step_with_the_message(client: Client, htmx: bool) -> None:
    response = answer(client, "data_sensitivity", "", htmx=htmx)
    assert response.status_code == 200
    html = response.content.decode()
    assert field_error(html, "answer") == "Choose one of the answers to continue."
    assert 'role="alert"' in html
    assert not WizardSession.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("many", "Enter a whole number, such as 500."),
        ("-1", "greater than or equal to 0"),
        ("1000000001", "less than or equal to 1000000000"),
        ("2.5", "Enter a whole number, such as 500."),
    ],
)
def test_bad_numbers_are_refused_with_a_clear_message(client: Client, value, message) -> None:
    answer(client, "data_sensitivity", "sensitive")
    response = answer(client, "requests_per_day", value, htmx=True)
    assert response.status_code == 200
    assert message in field_error(response.content.decode(), "answer")
    session = WizardSession.objects.get()
    assert "requests_per_day" not in session.answers


def test_an_unknown_option_is_refused(client: Client) -> None:
    response = answer(client, "data_sensitivity", "top_secret")
    assert response.status_code == 200
    assert "That answer is no longer offered" in field_error(response.content.decode(), "answer")


def test_back_shows_the_previous_step_with_its_saved_answer(client: Client) -> None:
    answer(client, "data_sensitivity", "regulated")
    answer(client, "requests_per_day", "1234")
    response = client.get("/wizard/step/requests_per_day/", **HTMX)
    html = response.content.decode()
    assert 'value="1234"' in html
    assert 'href="/wizard/step/data_sensitivity/"' in html  # its own Back link
    first = client.get("/wizard/step/data_sensitivity/").content.decode()
    checked = [attrs["value"] for attrs in inputs(first, "answer") if "checked" in attrs]
    assert checked == ["regulated"]


def test_the_conditional_question_appears_only_for_production(client: Client) -> None:
    for key in ["data_sensitivity", "requests_per_day", "team_capacity", "customization"]:
        answer(client, key, FULL_ANSWERS[key])
    response = answer(client, "stage", "prototype")
    assert response["Location"] == "/wizard/step/frontier_capability/"
    assert client.get("/wizard/step/uptime/")["Location"] == "/wizard/step/frontier_capability/"
    page = client.get("/wizard/step/frontier_capability/").content.decode()
    assert "Step 6 of 11" in page  # eleven questions minus two hidden (uptime, sector), plus two

    response = answer(client, "stage", "production")
    assert response["Location"] == "/wizard/step/uptime/"
    assert "Step 7 of 12" in client.get("/wizard/step/frontier_capability/").content.decode()


def test_answering_every_question_leads_to_priorities_then_review(answered: Client) -> None:
    response = answered.post(
        "/wizard/priorities/", {"performance": "5", "data_privacy": "0"} | _default_weights()
    )
    assert response.status_code == 302
    assert response["Location"] == "/wizard/review/"
    priorities = answered.get("/wizard/priorities/").content.decode()
    assert "<title>What matters most to you? · Sourcing Advisor</title>" in priorities
    assert ">What matters most to you?</h1>" in priorities
    review = answered.get("/wizard/review/").content.decode()
    assert "<title>Review your answers · Sourcing Advisor</title>" in review
    assert ">Review your answers</h1>" in review
    assert "Not sensitive" in review
    assert "300 requests per day" in review
    assert 'href="/wizard/result/"' in review


def test_bad_priorities_rerender_with_field_messages(answered: Client) -> None:
    response = answered.post("/wizard/priorities/", {"performance": "9"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert field_error(html, "performance") == "Give a number from 0 to 5."
    assert field_error(html, "data_privacy") == "Give a number from 0 to 5."  # left empty


def test_the_result_page_explains_the_recommendation(answered: Client) -> None:
    response = answered.get("/wizard/result/")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    outcome = response.context["outcome"]
    assert outcome["top"]["key"] == "closed_api"
    assert f"We recommend: {outcome['top']['label']}" in html
    # Every reason of the pick is shown, each tied to the answers it rests on.
    for reason in outcome["ranking"][0]["reasons"]:
        assert reason["text"] in html
        assert all(b["answer"] in html for b in reason["because"])
    assert "300 requests per day" in html
    assert "What would change this" in html
    assert "Head to head" in html
    assert "decided it" in html
    assert "Next steps" in html
    assert "Log in to save this as a report" in html


def test_result_without_answers_goes_back_to_the_start(client: Client) -> None:
    response = client.get("/wizard/result/")
    assert response.status_code == 302
    assert response["Location"] == "/wizard/"


def test_a_preset_prefills_and_jumps_to_the_review(client: Client) -> None:
    response = client.post("/wizard/?preset=healthcare-finance-legal")
    assert response.status_code == 302
    assert response["Location"] == "/wizard/review/"
    assert WizardSession.objects.get().answers == {"data_sensitivity": "regulated"}
    result = client.get("/wizard/result/").content.decode()
    assert "We recommend: Open model, self-hosted" in result
    assert "Healthcare, finance or legal" in result


def test_an_unknown_preset_is_a_helpful_404(client: Client) -> None:
    response = client.get("/wizard/?preset=no-such-thing")
    assert response.status_code == 404
    assert "healthcare-finance-legal" in response.content.decode()


def test_answers_survive_a_new_browser_session_with_the_same_cookie(client: Client) -> None:
    answer(client, "data_sensitivity", "sensitive")
    answer(client, "requests_per_day", "5000")
    token = client.cookies[COOKIE].value

    tomorrow = Client()
    tomorrow.cookies[COOKIE] = token
    page = tomorrow.get("/wizard/").content.decode()
    assert "Continue where you left off?" in page
    assert "You have answered 2 of 10 questions" in page
    assert 'href="/wizard/step/team_capacity/"' in page


def test_a_signed_in_user_resumes_on_another_device(client: Client, django_user_model) -> None:
    user = django_user_model.objects.create_user("ada", password="pw-123456789")
    client.force_login(user)
    answer(client, "data_sensitivity", "sensitive")
    other_device = Client()
    other_device.force_login(user)
    assert "Continue where you left off?" in other_device.get("/wizard/").content.decode()


def test_start_over_clears_the_answers(answered: Client) -> None:
    response = answered.post("/wizard/restart/")
    assert response["Location"] == "/wizard/step/data_sensitivity/"
    assert WizardSession.objects.get().answers == {}


def test_restart_needs_post(client: Client) -> None:
    assert client.get("/wizard/restart/").status_code == 405


def test_a_removed_option_is_asked_again(answered: Client) -> None:
    Option.objects.get(question__key="team_capacity", key="no_ml_team").delete()
    review = answered.get("/wizard/review/").content.decode()
    assert "Not answered yet" in review
    page = answered.get("/wizard/").content.decode()
    assert 'href="/wizard/step/team_capacity/"' in page
    assert answered.get("/wizard/result/").status_code == 200


def test_a_removed_question_drops_out_of_the_wizard(answered: Client) -> None:
    Rule.objects.filter(conditions__question__key="workload_mix").delete()  # they protect it
    Question.objects.get(key="workload_mix").delete()
    response = answered.get("/wizard/step/workload_mix/")
    assert response.status_code == 302
    assert "Step 10 of 11" in answered.get("/wizard/priorities/").content.decode()
    assert answered.get("/wizard/result/").status_code == 200


def test_rule_edits_during_a_session_apply_on_the_next_request(client: Client) -> None:
    client.post("/wizard/?preset=healthcare-finance-legal")
    assert "We recommend: Open model, self-hosted" in client.get("/wizard/result/").content.decode()
    rule = Rule.objects.get(name="Regulated data: self-host")
    rule.points = 1
    rule.save()
    assert "We recommend: Fine-tuned open model" in client.get("/wizard/result/").content.decode()


def test_every_form_carries_a_csrf_token(client: Client) -> None:
    html = client.get("/wizard/step/data_sensitivity/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html


def _default_weights() -> dict[str, str]:
    keys = [
        "cost_low_volume",
        "cost_high_volume",
        "customization",
        "time_to_prototype",
        "infrastructure_burden",
        "vendor_independence",
        "safety_alignment",
        "compliance",
        "support",
    ]
    return dict.fromkeys(keys, "3")
