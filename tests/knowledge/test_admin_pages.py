"""The knowledge admin: pages load for staff, stay closed to others, scale to big rule sets."""

from __future__ import annotations

import itertools

import pytest
from model_bakery import baker

from advisor.knowledge.models import (
    AccessPath,
    Approach,
    Dimension,
    Option,
    Preset,
    Question,
    Rule,
    RuleCondition,
    RulesetState,
)
from tests.knowledge import admin_url

pytestmark = pytest.mark.django_db

EDITED_MODELS = [Question, Approach, Dimension, Rule, Preset, AccessPath, RulesetState]


@pytest.fixture
def editor_without_staff(django_user_model):
    return django_user_model.objects.create_user("visitor", password="pw-visitor-123")


@pytest.mark.parametrize("model", EDITED_MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_form_load_for_staff(admin_client, model) -> None:
    assert admin_client.get(admin_url(model)).status_code == 200
    obj = model.objects.order_by("pk").first()
    assert admin_client.get(admin_url(obj, "change")).status_code == 200


@pytest.mark.parametrize("model", EDITED_MODELS[:-1], ids=lambda m: m.__name__)
def test_add_form_loads_for_staff(admin_client, model) -> None:
    assert admin_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", EDITED_MODELS, ids=lambda m: m.__name__)
def test_anonymous_visitors_are_sent_to_the_login_page(client, model) -> None:
    response = client.get(admin_url(model))
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_non_staff_users_are_sent_to_the_login_page(client, editor_without_staff) -> None:
    client.force_login(editor_without_staff)
    for url in (admin_url(Rule), admin_url(Rule.objects.first(), "change"), "/admin/knowledge/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")


def test_the_knowledge_index_and_the_rule_list_link_to_the_try_it_page(admin_client) -> None:
    try_it = "/admin/knowledge/rule/try-it/"
    assert try_it in admin_client.get("/admin/knowledge/").content.decode()
    assert try_it in admin_client.get(admin_url(Rule)).content.decode()


def test_the_rule_list_shows_each_rules_conditions_in_words(admin_client) -> None:
    html = admin_client.get(admin_url(Rule), {"q": "High volume"}).content.decode()
    assert "requests_per_day is more than 1,000" in html
    html = admin_client.get(admin_url(Rule), {"q": "mission-critical self-hosting"}).content
    assert "data_sensitivity is not Not sensitive and uptime is Mission-critical" in html.decode()


def test_the_rule_list_filters_by_the_question_a_rule_tests(admin_client) -> None:
    workload = Question.objects.get(key="workload_mix")
    response = admin_client.get(admin_url(Rule), {"tests": str(workload.pk)})
    shown = {rule.name for rule in response.context["cl"].result_list}
    testing = set(Rule.objects.filter(conditions__question=workload).values_list("name", flat=True))
    assert {"Mixed tasks: route each one", "Single task: one stack is simpler"} <= shown
    assert shown == testing
    assert "High volume" not in " ".join(shown)  # a rule on another question is left out


def test_a_big_rule_list_costs_a_bounded_number_of_queries(
    admin_client, django_assert_max_num_queries
) -> None:
    approach = Approach.objects.get(key="hybrid")
    options = list(Option.objects.select_related("question"))
    rules = baker.make(
        Rule,
        effect="points",
        approach=approach,
        points=1,
        rationale="r",
        _quantity=300,
        _bulk_create=True,
    )
    cycle = itertools.cycle(options)
    RuleCondition.objects.bulk_create(
        RuleCondition(rule=rule, question=option.question, option=option)
        for rule in rules
        for option in (next(cycle), next(cycle))
    )
    admin_client.get(admin_url(Rule))  # warm the session and content types
    with django_assert_max_num_queries(12):
        response = admin_client.get(admin_url(Rule))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 100
    with django_assert_max_num_queries(12):
        response = admin_client.get(
            admin_url(Rule), {"tests": str(options[0].question_id), "effect": "points"}
        )
    assert response.status_code == 200


def test_the_question_list_shows_answers_and_when_a_question_is_asked(admin_client) -> None:
    html = admin_client.get(admin_url(Question)).content.decode()
    assert "Regulated, Sensitive, Not sensitive" in html
    assert "0 to 1000000000 requests per day" in html
    assert "stage is Production" in html


def test_the_preset_list_says_whether_each_preset_still_fits_the_questions(admin_client) -> None:
    Preset.objects.filter(slug="high-volume").update(answers={"requests_per_day": -1})
    html = admin_client.get(admin_url(Preset)).content.decode()
    assert "No: requests_per_day: Must be at least 0." in html
    assert html.count(">Yes<") == 9
    assert "/admin/knowledge/rule/try-it/?preset=high-volume" in html


def test_the_preset_form_lists_the_answers_editors_can_use(admin_client) -> None:
    preset = Preset.objects.get(slug="high-volume")
    html = admin_client.get(admin_url(preset, "change")).content.decode()
    assert "<code>data_sensitivity</code>" in html
    assert '<code>"non_sensitive"</code>' in html


def test_the_ruleset_settings_are_a_single_row_that_cannot_be_deleted(admin_client) -> None:
    state = RulesetState.objects.get()
    assert admin_client.get(admin_url(RulesetState, "add")).status_code == 403
    assert admin_client.get(admin_url(state, "delete")).status_code == 403
    html = admin_client.get(admin_url(state, "change")).content.decode()
    assert f'<div class="readonly">{state.version}</div>' in html
    assert 'name="version"' not in html


def test_the_ruleset_settings_can_be_added_when_the_row_is_missing(admin_client) -> None:
    RulesetState.objects.all().delete()
    assert admin_client.get(admin_url(RulesetState, "add")).status_code == 200


def test_switching_rules_off_in_bulk_bumps_the_version(admin_client) -> None:
    before = RulesetState.current()[0]
    rules = Rule.objects.filter(approach__key="hybrid")
    response = admin_client.post(
        admin_url(Rule),
        {"action": "disable_rules", "_selected_action": [rule.pk for rule in rules]},
    )
    assert response.status_code == 302
    assert not Rule.objects.filter(approach__key="hybrid", enabled=True).exists()
    assert RulesetState.current()[0] > before
