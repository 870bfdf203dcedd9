"""Admin edits that would break the knowledge are refused, with the message next to the field."""

from __future__ import annotations

import json

import pytest

from advisor.knowledge.models import (
    Approach,
    Dimension,
    DimensionRating,
    Option,
    Preset,
    Question,
    Rule,
    RuleCondition,
)
from advisor.knowledge.ruleset import current_knowledge
from tests.knowledge import admin_url, changeform_data, form_errors, inline_errors

pytestmark = pytest.mark.django_db


def edit(admin_client, obj, **changes):
    """Open ``obj``'s change form, change some fields, save; return the response."""
    url = admin_url(obj, "change")
    data = changeform_data(admin_client.get(url))
    data.update(changes)
    return admin_client.post(url, data)


def add(admin_client, model, **fields):
    url = admin_url(model, "add")
    data = changeform_data(admin_client.get(url))
    data.update(fields)
    return admin_client.post(url, data)


def option(question_key: str, option_key: str) -> Option:
    return Option.objects.get(question__key=question_key, key=option_key)


# --- rules and their conditions ------------------------------------------------------------


def test_a_condition_refuses_an_answer_of_another_question(admin_client) -> None:
    rule = Rule.objects.get(name="Regulated data: self-host")
    stranger = option("team_capacity", "no_ml_team")
    response = edit(admin_client, rule, **{"conditions-0-option": str(stranger.pk)})
    assert response.status_code == 200
    errors, _ = inline_errors(response)
    assert errors[0] == {
        "option": [
            "'A small team without ML engineers' is not an answer to "
            "'What kind of data will the model see?'."
        ]
    }
    condition = rule.conditions.get()
    assert condition.option.key == "regulated"


def test_a_condition_refuses_a_number_outside_the_questions_range(admin_client) -> None:
    rule = Rule.objects.get(name__startswith="High volume: open model")
    response = edit(admin_client, rule, **{"conditions-0-threshold": "2000000000"})
    errors, _ = inline_errors(response)
    assert errors[0] == {"threshold": ["The number must be between 0 and 1000000000."]}
    assert rule.conditions.get().threshold == 1000


def test_a_number_question_refuses_is(admin_client) -> None:
    rule = Rule.objects.get(name__startswith="High volume: open model")
    response = edit(admin_client, rule, **{"conditions-0-operator": "is"})
    errors, _ = inline_errors(response)
    assert errors[0] == {
        "operator": ["A whole-number question takes a comparison (more/less than)."]
    }


def test_a_choice_question_refuses_a_comparison_and_a_number(admin_client) -> None:
    rule = Rule.objects.get(name="Regulated data: self-host")
    response = edit(
        admin_client, rule, **{"conditions-0-operator": "gt", "conditions-0-threshold": "5"}
    )
    errors, _ = inline_errors(response)
    assert errors[0] == {
        "operator": ["A single-choice question takes 'is' or 'is not'."],
        "threshold": ["Single-choice questions take no number: clear it."],
    }


def test_a_new_condition_is_checked_against_the_question_in_its_own_row(admin_client) -> None:
    url = admin_url(Rule, "add")
    data = changeform_data(admin_client.get(url))
    stage = Question.objects.get(key="stage")
    data.update(
        {
            "name": "New",
            "effect": "points",
            "approach": str(Approach.objects.get(key="hybrid").pk),
            "points": "5",
            "rationale": "Because.",
            "conditions-0-question": str(stage.pk),
            "conditions-0-operator": "is",
            "conditions-0-option": str(option("uptime", "tolerant").pk),
        }
    )
    response = admin_client.post(url, data)
    errors, _ = inline_errors(response)
    assert errors[0] == {
        "option": [f"'We can tolerate occasional downtime' is not an answer to '{stage.prompt}'."]
    }
    assert not Rule.objects.filter(name="New").exists()


def test_points_on_an_exclude_rule_are_refused(admin_client) -> None:
    rule = Rule.objects.get(name="Regulated data: no public closed API")
    response = edit(admin_client, rule, points="5")
    assert form_errors(response) == {"points": ["Only 'add or remove points' rules carry points."]}
    rule.refresh_from_db()
    assert rule.points == 0


def test_a_points_rule_needs_points(admin_client) -> None:
    rule = Rule.objects.get(name="Regulated data: self-host")
    response = edit(admin_client, rule, points="0")
    assert form_errors(response) == {"points": ["Give the number of points (negative to remove)."]}


def test_a_valid_new_rule_is_saved_with_its_condition(admin_client) -> None:
    stage = Question.objects.get(key="stage")
    response = add(
        admin_client,
        Rule,
        name="Production: hybrid",
        effect="points",
        approach=str(Approach.objects.get(key="hybrid").pk),
        points="7",
        rationale="Because.",
        **{
            "conditions-0-question": str(stage.pk),
            "conditions-0-operator": "is",
            "conditions-0-option": str(option("stage", "production").pk),
        },
    )
    assert response.status_code == 302
    rule = Rule.objects.get(name="Production: hybrid")
    assert [str(c) for c in rule.conditions.all()] == ["stage is Production"]


def test_the_rule_list_checks_points_against_the_effect(admin_client) -> None:
    rule = Rule.objects.get(name="Regulated data: no public closed API")
    response = admin_client.get(admin_url(Rule), {"q": rule.name})
    formset = response.context["cl"].formset
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(rule.pk),
        "form-0-order": str(rule.order),
        "form-0-points": "10",
        "form-0-enabled": "on",
        "_save": "Save",
    }
    assert formset.total_form_count() == 1
    response = admin_client.post(f"{admin_url(Rule)}?q={rule.name}", data)
    assert response.status_code == 200
    assert response.context["cl"].formset.errors == [
        {"points": ["Only 'add or remove points' rules carry points."]}
    ]


# --- presets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"budget": "big"}, "budget: Unknown question."),
        (
            {"data_sensitivity": "secret"},
            "data_sensitivity: 'secret' is not one of: regulated, sensitive, non_sensitive.",
        ),
        ({"requests_per_day": 2_000_000_000}, "requests_per_day: Must be at most 1000000000."),
        ({"requests_per_day": "many"}, "requests_per_day: Enter a whole number."),
        (["regulated"], "Write the answers as a JSON object"),
    ],
)
def test_preset_answers_are_checked_against_the_current_questions(
    admin_client, answers, message
) -> None:
    preset = Preset.objects.get(slug="high-volume")
    response = edit(admin_client, preset, answers=json.dumps(answers))
    assert response.status_code == 200
    (error,) = form_errors(response)["answers"]
    assert error.startswith(message)
    preset.refresh_from_db()
    assert preset.answers == {"data_sensitivity": "non_sensitive", "requests_per_day": 20000}


def test_preset_answers_that_fit_are_saved(admin_client) -> None:
    preset = Preset.objects.get(slug="high-volume")
    response = edit(admin_client, preset, answers='{"requests_per_day": 50000}')
    assert response.status_code == 302
    preset.refresh_from_db()
    assert preset.answers == {"requests_per_day": 50000}


# --- questions and their answers -------------------------------------------------------------


def test_a_question_cannot_depend_on_a_later_question(admin_client) -> None:
    question = Question.objects.get(key="data_sensitivity")
    later = Question.objects.get(key="workload_mix")
    response = edit(
        admin_client,
        question,
        show_if_question=str(later.pk),
        show_if_options=[str(option("workload_mix", "mixed_tasks").pk)],
    )
    assert form_errors(response) == {
        "show_if_question": ["It must depend on an earlier question (one with a lower order)."]
    }


def test_show_if_answers_must_belong_to_the_chosen_question(admin_client) -> None:
    question = Question.objects.get(key="uptime")
    response = edit(
        admin_client, question, show_if_options=[str(option("data_sensitivity", "regulated").pk)]
    )
    stage = Question.objects.get(key="stage")
    assert form_errors(response) == {
        "show_if_options": [
            f"Only answers to '{stage.prompt}' can be ticked; "
            "these belong to other questions: 'Regulated'."
        ]
    }


def test_a_question_that_others_depend_on_cannot_move_after_them(admin_client) -> None:
    stage = Question.objects.get(key="stage")
    uptime = Question.objects.get(key="uptime")
    response = edit(admin_client, stage, order=str(uptime.order + 5))
    assert form_errors(response) == {
        "order": [
            f"It must come before the questions that depend on it ('uptime'): "
            f"use an order below {uptime.order}."
        ]
    }


def test_the_question_list_refuses_an_order_that_breaks_show_if(admin_client) -> None:
    stage = Question.objects.get(key="stage")
    uptime = Question.objects.get(key="uptime")
    response = admin_client.post(
        admin_url(Question),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(stage.pk),
            "form-0-order": str(uptime.order + 5),
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert list(response.context["cl"].formset.non_form_errors()) == [
        "'uptime' is only asked after 'stage', so it needs a higher order."
    ]
    assert Question.objects.get(key="stage").order == stage.order


def test_the_question_list_explains_a_row_whose_parent_would_come_later(admin_client) -> None:
    stage = Question.objects.get(key="stage")
    uptime = Question.objects.get(key="uptime")
    response = admin_client.post(
        admin_url(Question),
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": str(stage.pk),
            "form-0-order": str(uptime.order),
            "form-1-id": str(uptime.pk),
            "form-1-order": str(stage.order),
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    rows = {form.instance.pk: form for form in response.context["cl"].formset.forms}
    assert list(rows[uptime.pk].non_field_errors()) == [
        "Only ask when: It must depend on an earlier question (one with a lower order)."
    ]
    assert Question.objects.get(key="stage").order == stage.order


def test_a_question_tested_by_rules_cannot_change_kind(admin_client) -> None:
    question = Question.objects.get(key="workload_mix")
    response = edit(
        admin_client,
        question,
        kind="number",
        min_value="0",
        max_value="10",
        **{"options-0-DELETE": "on", "options-1-DELETE": "on"},
    )
    (message,) = form_errors(response)["kind"]
    assert message.startswith("Rules test this question as it is, so its kind cannot change.")
    assert "'Mixed tasks: route each one'" in message


def test_a_choice_question_needs_answers(admin_client) -> None:
    response = add(
        admin_client,
        Question,
        key="budget",
        prompt="What is your budget?",
        kind="choice",
        order="100",
    )
    assert response.status_code == 200
    _, formset_errors = inline_errors(response)
    assert formset_errors == ["A single-choice question needs at least one answer."]


def test_a_number_question_takes_no_answers(admin_client) -> None:
    url = admin_url(Question, "add")
    data = changeform_data(admin_client.get(url))
    data.update(
        {
            "key": "budget",
            "prompt": "What is your budget?",
            "kind": "number",
            "order": "100",
            "min_value": "0",
            "max_value": "100",
            "options-TOTAL_FORMS": "1",
            "options-0-key": "big",
            "options-0-label": "Big",
            "options-0-order": "0",
        }
    )
    response = admin_client.post(url, data)
    _, formset_errors = inline_errors(response)
    assert formset_errors[0].startswith("Whole-number questions have no answers to pick from")


def test_an_answer_that_rules_test_cannot_be_deleted(admin_client) -> None:
    question = Question.objects.get(key="workload_mix")
    response = edit(admin_client, question, **{"options-1-DELETE": "on"})
    _, formset_errors = inline_errors(response)
    testing = Rule.objects.filter(
        conditions__question=question, conditions__option__key="mixed_tasks"
    ).values_list("name", flat=True)
    [error] = formset_errors
    assert error.startswith(
        "The answer 'Several tasks with different needs' cannot be deleted: these rules test it:"
    )
    assert error.endswith("Change or delete those rules first.")
    assert "'Mixed tasks: route each one'" in error
    assert all(f"'{name}'" in error for name in testing)
    assert question.options.count() == 2
    assert RuleCondition.objects.filter(option__key="mixed_tasks").exists()


def test_a_new_choice_question_with_answers_is_saved(admin_client) -> None:
    url = admin_url(Question, "add")
    data = changeform_data(admin_client.get(url))
    data.update(
        {
            "key": "budget",
            "prompt": "What is your budget?",
            "kind": "choice",
            "order": "100",
            "options-TOTAL_FORMS": "2",
            "options-0-key": "small",
            "options-0-label": "Small",
            "options-0-order": "0",
            "options-1-key": "large",
            "options-1-label": "Large",
            "options-1-order": "1",
        }
    )
    assert admin_client.post(url, data).status_code == 302
    assert current_knowledge().question("budget").option_label("large") == "Large"


def test_two_answers_of_a_question_cannot_share_a_key(admin_client) -> None:
    question = Question.objects.get(key="workload_mix")
    response = edit(admin_client, question, **{"options-1-key": "single_task"})
    assert response.status_code == 200
    errors, _ = inline_errors(response)
    assert errors[1] == {"__all__": ["Another answer to this question already has this key."]}


# --- approaches, dimensions and their ratings ------------------------------------------------


def test_a_new_approach_is_offered_one_rating_row_per_dimension(admin_client) -> None:
    url = admin_url(Approach, "add")
    response = admin_client.get(url)
    dimensions = list(Dimension.objects.all())
    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.initial.get("dimension") for form in formset.forms] == [d.pk for d in dimensions]
    data = changeform_data(response)
    data.update(key="gateway", label="Gateway", summary="A gateway.", order="99")
    refused = admin_client.post(url, data)
    _, formset_errors = inline_errors(refused)
    assert formset_errors[0].startswith("Give a score (1 to 5) for every dimension; missing:")
    assert not Approach.objects.filter(key="gateway").exists()

    data.update({f"ratings-{i}-score": "3" for i in range(len(dimensions))})
    assert admin_client.post(url, data).status_code == 302
    knowledge = current_knowledge()
    assert knowledge.approach("gateway").label == "Gateway"
    assert all(d.ratings["gateway"] == 3 for d in knowledge.dimensions)


def test_a_dimension_must_rate_every_approach(admin_client) -> None:
    dimension = Dimension.objects.get(key="performance")
    response = edit(admin_client, dimension, **{"ratings-0-DELETE": "on"})
    _, formset_errors = inline_errors(response)
    assert formset_errors == [
        "Give a score (1 to 5) for every approach; missing: 'Closed model via API'."
    ]
    assert DimensionRating.objects.filter(dimension=dimension).count() == 6


def test_a_rating_outside_one_to_five_is_refused(admin_client) -> None:
    dimension = Dimension.objects.get(key="performance")
    response = edit(admin_client, dimension, **{"ratings-0-score": "6"})
    errors, _ = inline_errors(response)
    assert errors[0] == {"score": ["Ensure this value is less than or equal to 5."]}
