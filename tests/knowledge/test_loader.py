"""Import, export and reset of the whole ruleset, and the version every change bumps."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from advisor.knowledge.loader import export_document
from advisor.knowledge.models import (
    AccessPath,
    Approach,
    Dimension,
    DimensionRating,
    Option,
    Preset,
    Question,
    Rule,
    RuleCondition,
    RulesetState,
)
from advisor.knowledge.ruleset import current_knowledge
from tests.knowledge import admin_url, changeform_data

pytestmark = pytest.mark.django_db

KNOWLEDGE_MODELS = (
    Question,
    Option,
    Approach,
    Dimension,
    DimensionRating,
    Rule,
    RuleCondition,
    Preset,
    AccessPath,
)


def version() -> int:
    return RulesetState.current()[0]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in KNOWLEDGE_MODELS}


def export(tmp_path, name: str = "ruleset.json") -> dict:
    path = tmp_path / name
    call_command("export_ruleset", str(path), stderr=StringIO())
    return json.loads(path.read_text(encoding="utf-8"))


def write(tmp_path, document: object, name: str = "edited.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_export_then_import_gives_an_identical_document(tmp_path) -> None:
    exported = export(tmp_path)
    before = version()
    out = StringIO()
    call_command("import_ruleset", str(tmp_path / "ruleset.json"), stdout=out)
    assert "Ruleset imported." in out.getvalue()
    assert version() == before + 1
    assert export(tmp_path, "again.json") == exported


def test_export_writes_to_stdout_by_default() -> None:
    out = StringIO()
    call_command("export_ruleset", stdout=out)
    assert json.loads(out.getvalue()) == export_document()


def test_an_imported_edit_is_what_the_engine_uses_next(tmp_path) -> None:
    document = export(tmp_path)
    for rule in document["rules"]:
        if rule["name"] == "Mixed tasks: route each one":
            rule["points"] = 3
    call_command("import_ruleset", write(tmp_path, document), stdout=StringIO())
    rules = current_knowledge().ruleset.rules
    assert 3.0 in {rule.points for rule in rules if rule.approach == "hybrid"}


def _break_rule(document: dict) -> None:
    document["rules"][0]["conditions"][0]["question"] = "budget"


def _break_presets(document: dict) -> None:
    document["presets"][0]["answers"]["data_sensitivity"] = "secret"
    document["presets"][1]["answers"]["requests_per_day"] = -1
    document["access_paths"][0]["approach"] = "carrier_pigeon"


@pytest.mark.parametrize(
    ("breakage", "problems"),
    [
        (_break_rule, ["- Rules: rule 1: condition on unknown question 'budget'"]),
        (
            _break_presets,
            [
                "- Preset 'prototyping-quickly', data_sensitivity: 'secret' is not one of: "
                "regulated, sensitive, non_sensitive.",
                "- Preset 'processing-customer-pii', requests_per_day: Must be at least 0.",
                "- Access path 'Try it in a chat interface': unknown approach",
            ],
        ),
    ],
)
def test_a_broken_document_lists_its_problems_and_changes_nothing(
    tmp_path, breakage, problems
) -> None:
    document = export(tmp_path)
    breakage(document)
    before, counts, pristine = version(), row_counts(), export_document()
    with pytest.raises(CommandError) as raised:
        call_command("import_ruleset", write(tmp_path, document), stdout=StringIO())
    assert str(raised.value).splitlines() == ["Nothing was changed. Problems:", *problems]
    assert version() == before
    assert row_counts() == counts
    assert export_document() == pristine


def test_a_row_the_database_refuses_rolls_the_whole_import_back(tmp_path) -> None:
    document = export(tmp_path)
    document["approaches"][-1]["label"] = "x" * 101  # passes the rule checks, not the model
    before, counts, pristine = version(), row_counts(), export_document()
    with pytest.raises(CommandError) as raised:
        call_command("import_ruleset", write(tmp_path, document), stdout=StringIO())
    assert "Approach 'hybrid', label:" in str(raised.value)
    assert version() == before
    assert row_counts() == counts
    assert export_document() == pristine


def test_a_file_that_is_not_json_is_refused(tmp_path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_ruleset", str(path))


def test_reset_knowledge_restores_the_shipped_knowledge_after_edits() -> None:
    pristine = export_document()
    Rule.objects.filter(name="Mixed tasks: route each one").update(points=99)
    Preset.objects.get(slug="high-volume").delete()
    Question.objects.filter(key="stage").update(prompt="Renamed?")
    assert export_document() != pristine
    before = version()
    out = StringIO()
    call_command("reset_knowledge", stdout=out)
    assert "restored" in out.getvalue()
    assert export_document() == pristine
    assert version() == before + 1


def _edit_question() -> None:
    question = Question.objects.get(key="stage")
    question.prompt = "Where is the project now?"
    question.save()


def _edit_option() -> None:
    option = Option.objects.get(key="prototype")
    option.label = "Trying things"
    option.save()


def _edit_approach() -> None:
    Approach.objects.get(key="hybrid").save()


def _edit_dimension() -> None:
    Dimension.objects.first().save()


def _edit_rating() -> None:
    rating = DimensionRating.objects.first()
    rating.score = 1 if rating.score != 1 else 2
    rating.save()


def _edit_rule() -> None:
    rule = Rule.objects.get(name="Mixed tasks: route each one")
    rule.enabled = False
    rule.save()


def _delete_condition() -> None:
    RuleCondition.objects.filter(rule__name__startswith="Caveat: high volume").first().delete()


def _edit_preset() -> None:
    Preset.objects.get(slug="high-volume").save()


def _delete_access_path() -> None:
    AccessPath.objects.first().delete()


def _edit_show_if() -> None:
    uptime = Question.objects.get(key="uptime")
    uptime.show_if_options.add(Option.objects.get(key="prototype"))


def _edit_settings() -> None:
    state = RulesetState.objects.get()
    state.close_call_margin = 12
    state.save()


@pytest.mark.parametrize(
    "edit",
    [
        _edit_question,
        _edit_option,
        _edit_approach,
        _edit_dimension,
        _edit_rating,
        _edit_rule,
        _delete_condition,
        _edit_preset,
        _delete_access_path,
        _edit_show_if,
        _edit_settings,
    ],
)
def test_every_edit_bumps_the_version(edit) -> None:
    before = version()
    cold = current_knowledge()
    edit()
    assert version() > before
    assert current_knowledge() is not cold


def test_editing_the_settings_in_the_admin_bumps_the_version(admin_client) -> None:
    state = RulesetState.objects.get()
    before = version()
    url = admin_url(state, "change")
    data = changeform_data(admin_client.get(url))
    data["close_call_margin"] = "15"
    assert admin_client.post(url, data).status_code == 302
    assert version() > before
    assert current_knowledge().ruleset.close_call_margin == 15.0
