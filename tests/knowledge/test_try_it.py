"""The "Try it" admin page: the current rules, run on a preset or on hand-picked answers."""

from __future__ import annotations

import re
from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.knowledge.loader import read_seed
from advisor.knowledge.models import Rule, RulesetState
from advisor.knowledge.ruleset import current_knowledge
from tests.knowledge import admin_url, changeform_data

pytestmark = pytest.mark.django_db

URL = "/admin/knowledge/rule/try-it/"
SEED_PRESETS = [(p["slug"], p["expected"]) for p in read_seed()["presets"]]


def ranking(response) -> list[str]:
    return [row["approach"] for row in response.context["outcome"]["ranking"]]


def test_the_page_has_a_named_admin_url() -> None:
    from django.urls import reverse

    assert reverse("admin:knowledge_tryit") == URL


def test_anonymous_visitors_are_sent_to_the_login_page(client) -> None:
    response = client.get(URL, {"preset": "high-volume"})
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_non_staff_users_are_sent_to_the_login_page(client, django_user_model) -> None:
    client.force_login(django_user_model.objects.create_user("visitor", password="pw-1234567"))
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_the_empty_page_offers_every_question_and_preset(admin_client) -> None:
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert response.context["outcome"] is None
    html = response.content.decode()
    for question in current_knowledge().questions:
        assert f'name="a-{question.key}"' in html
    assert '<option value="healthcare-finance-legal">Healthcare, finance or legal</option>' in html
    assert 'type="number" name="a-requests_per_day"' in html
    assert '<option value="" selected>(no answer)</option>' in html


@pytest.mark.parametrize(("slug", "expected"), SEED_PRESETS)
def test_a_preset_prefills_the_answers_and_ranks_the_cheat_sheet_pick_first(
    admin_client, slug, expected
) -> None:
    response = admin_client.get(URL, {"preset": slug})
    assert response.status_code == 200
    assert ranking(response)[0] == expected
    assert "the rules agree." in response.content.decode()


def test_the_healthcare_preset_shows_scores_reasons_caveats_and_what_would_change(
    admin_client,
) -> None:
    response = admin_client.get(URL, {"preset": "healthcare-finance-legal"})
    html = response.content.decode()
    assert '<option value="regulated" selected>Regulated</option>' in html
    outcome = response.context["outcome"]
    top = outcome["ranking"][0]
    assert (top["approach"], top["score"], top["excluded"]) == ("open_self_hosted", 100, False)
    assert [(r["points"], r["rule_url"]) for r in top["reasons"]] == [
        (100, admin_url(Rule.objects.get(name="Regulated data: self-host"), "change"))
    ]
    assert "(+100)" in html
    closed_api = next(row for row in outcome["ranking"] if row["approach"] == "closed_api")
    assert closed_api["excluded"]
    assert closed_api["score"] is None
    assert all(r["effect"] in {"exclude", "require"} for r in closed_api["reasons"])
    assert "<strong>excluded</strong>" in html
    assert outcome["ruleset_version"] == RulesetState.current()[0]
    assert f"Result (ruleset version {outcome['ruleset_version']})" in html
    assert outcome["changes"]
    assert "the top pick would be" in html


def test_caveats_are_listed(admin_client) -> None:
    response = admin_client.get(
        URL, {"run": "1", "a-data_sensitivity": "regulated", "a-team_capacity": "no_ml_team"}
    )
    caveats = response.context["outcome"]["caveats"]
    assert len(caveats) == 1
    assert caveats[0]["text"] in unescape(response.content.decode())


def test_answers_to_questions_that_are_not_asked_are_reported(admin_client) -> None:
    response = admin_client.get(
        URL, {"run": "1", "a-stage": "prototype", "a-uptime": "mission_critical"}
    )
    outcome = response.context["outcome"]
    prompt = current_knowledge().question("uptime").prompt
    assert [item["question"] for item in outcome["ignored"]] == [prompt]


def test_no_answers_at_all_still_give_a_ranking(admin_client) -> None:
    response = admin_client.get(URL, {"run": "1"})
    assert len(response.context["outcome"]["ranking"]) == 6


def test_bad_answers_show_errors_next_to_their_fields(admin_client) -> None:
    response = admin_client.get(
        URL, {"run": "1", "a-requests_per_day": "2000000000", "a-data_sensitivity": "secret"}
    )
    assert response.status_code == 200
    assert response.context["outcome"] is None
    assert response.context["form"].errors == {
        "requests_per_day": ["Must be at most 1000000000."],
        "data_sensitivity": ["'secret' is not one of: regulated, sensitive, non_sensitive."],
    }
    assert "Some answers are not valid" in response.content.decode()


@pytest.mark.parametrize("value", ["many", "1.5", "1e3", "9" * 5000])
def test_a_number_answer_must_be_a_whole_number(admin_client, value) -> None:
    response = admin_client.get(URL, {"run": "1", "a-requests_per_day": value})
    assert response.status_code == 200
    assert response.context["form"].errors["requests_per_day"] == ["Enter a whole number."]


def test_an_unknown_preset_is_reported(admin_client) -> None:
    response = admin_client.get(URL, {"preset": "no-such-thing"})
    assert response.status_code == 200
    assert response.context["outcome"] is None
    assert "There is no preset called 'no-such-thing'." in response.content.decode()


def test_a_preset_with_stale_answers_shows_what_no_longer_fits(admin_client) -> None:
    from advisor.knowledge.models import Preset

    Preset.objects.filter(slug="high-volume").update(
        answers={"budget": "big", "data_sensitivity": "secret"}
    )
    response = admin_client.get(URL, {"preset": "high-volume"})
    form = response.context["form"]
    assert form.non_field_errors() == ["budget: Unknown question."]
    assert form.errors["data_sensitivity"] == [
        "'secret' is not one of: regulated, sensitive, non_sensitive."
    ]


def test_the_page_needs_no_inline_script_or_style(admin_client) -> None:
    html = admin_client.get(URL, {"preset": "healthcare-finance-legal"}).content.decode()
    assert " style=" not in html
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)


def test_an_admin_edit_shows_up_on_the_next_request(admin_client) -> None:
    before = admin_client.get(URL, {"preset": "healthcare-finance-legal"})
    assert ranking(before)[0] == "open_self_hosted"
    version = before.context["outcome"]["ruleset_version"]

    rule = Rule.objects.get(name="Regulated data: self-host")
    url = admin_url(rule, "change")
    data = changeform_data(admin_client.get(url))
    data["points"] = "-200"
    assert admin_client.post(url, data).status_code == 302

    after = admin_client.get(URL, {"preset": "healthcare-finance-legal"})
    outcome = after.context["outcome"]
    assert outcome["ruleset_version"] > version
    assert ranking(after)[0] == "open_fine_tuned"
    self_hosted = next(row for row in outcome["ranking"] if row["approach"] == "open_self_hosted")
    assert self_hosted["score"] == -200
    assert "the rules disagree." in after.content.decode()
    assert current_knowledge().version == outcome["ruleset_version"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    answers=st.dictionaries(
        st.sampled_from(["data_sensitivity", "requests_per_day", "stage", "uptime", "nope"]),
        st.one_of(
            st.text(max_size=12),
            st.integers().map(str),
            st.sampled_from(["regulated", "production", "mission_critical", "1000"]),
        ),
    ),
    preset=st.one_of(st.none(), st.sampled_from([slug for slug, _ in SEED_PRESETS]), st.text()),
)
def test_any_query_string_gives_a_page_never_a_server_error(admin_client, answers, preset) -> None:
    params = {f"a-{key}": value for key, value in answers.items()}
    params["run"] = "1"
    if preset is not None:
        params["preset"] = preset
    response = admin_client.get(URL, params)
    assert response.status_code == 200
    assert (response.context["outcome"] is None) == bool(response.context["form"].errors)
