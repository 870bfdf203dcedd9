"""The knowledge contract: the keys the code reads are declared, checked at start-up, and no
admin edit or import can remove or rename one (``advisor/knowledge/contract.py``)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection

from advisor.knowledge import contract
from advisor.knowledge.loader import export_document, read_seed
from advisor.knowledge.models import Approach, Obligation, Option, Question, Rule, RulesetState
from tests.knowledge import admin_url, changeform_data, form_errors, inline_errors

ROOT = Path(__file__).resolve().parents[2]


def edit(admin_client, obj, **changes):
    url = admin_url(obj, "change")
    data = changeform_data(admin_client.get(url))
    data.update(changes)
    return admin_client.post(url, data)


def option_field(admin_client, question: Question, option_key: str, field: str) -> str:
    """The POST name of ``field`` in the answers inline row of ``option_key``."""
    page = admin_client.get(admin_url(question, "change"))
    formset = page.context["inline_admin_formsets"][0].formset
    (form,) = [f for f in formset.forms if f.instance.key == option_key]
    return form.add_prefix(field)


def edit_option(admin_client, question_key: str, option_key: str, field: str, value: str):
    question = Question.objects.get(key=question_key)
    name = option_field(admin_client, question, option_key, field)
    return edit(admin_client, question, **{name: value})


def check_output() -> str:
    out, err = StringIO(), StringIO()
    call_command("check", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def check_errors() -> str:
    with pytest.raises(SystemCheckError) as raised:
        check_output()
    return str(raised.value)


# --- the declaration itself -----------------------------------------------------------------


def test_the_shipped_knowledge_meets_the_contract() -> None:
    seed = read_seed()
    questions = {q["key"]: q["kind"] for q in seed["questions"]}
    options = {(q["key"], o["key"]) for q in seed["questions"] for o in q.get("options", [])}
    approaches = [a["key"] for a in seed["approaches"]]
    assert contract.breaches(questions, options, approaches) == []
    assert contract.breaches({}, set(), []), "an empty knowledge base meets nothing"


def _constant_name(key: str) -> str | None:
    return next(
        (name for name, value in vars(contract).items() if name.isupper() and value == key),
        None,
    )


@pytest.mark.parametrize("entry", contract.ENTRIES, ids=lambda e: e.name)
def test_each_declared_reader_reads_the_key(entry) -> None:
    """The declaration stays honest: every module it names holds the key, as a literal or
    through the contract's constant; a key no code reads any more must leave the contract."""
    constant = _constant_name(entry.key)
    for reader in entry.readers:
        name = reader.split(" ")[0]
        if name.startswith("templates/"):
            files = sorted((ROOT / name).glob("*.html"))
        else:
            files = [ROOT / (name.replace(".", "/") + ".py")]
        text = "\n".join(f.read_text(encoding="utf-8") for f in files)
        literal = re.search(rf"""["']{re.escape(entry.key)}["']|\b{re.escape(entry.key)}=""", text)
        assert literal or (constant and constant in text), f"{reader} does not read {entry.key}"


def test_modules_import_without_django_models() -> None:
    code = "import sys, advisor.knowledge.contract; print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- the system check -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_seeded_knowledge_passes_the_check() -> None:
    assert "knowledge." not in check_output()


@pytest.mark.django_db
def test_removing_an_answer_from_the_database_fails_the_check() -> None:
    Option.objects.filter(question__key="uptime", key="mission_critical").delete()
    message = check_errors()
    assert "knowledge.E003" in message
    assert "'mission_critical' of the question 'uptime'" in message
    assert "advisor.advice.pricing" in message
    assert "manage.py reset_knowledge" in message


@pytest.mark.django_db
def test_removing_a_question_or_an_approach_fails_the_check() -> None:
    Rule.objects.filter(conditions__question__key="workload_mix").delete()
    Question.objects.filter(key="workload_mix").delete()
    Approach.objects.filter(key="hybrid").delete()
    message = check_errors()
    assert "knowledge.E001" in message
    assert "question 'workload_mix'" in message
    assert "advisor.advice.split" in message
    assert "knowledge.E004" in message
    assert "approach 'hybrid'" in message
    assert "advisor.advice.summary" in message


@pytest.mark.django_db
def test_a_question_of_another_kind_fails_the_check() -> None:
    Question.objects.filter(key="modalities").update(kind="number", min_value=0, max_value=9)
    message = check_errors()
    assert "knowledge.E002" in message
    assert "'modalities' is a 'number' question" in message


@pytest.mark.django_db
def test_an_empty_knowledge_base_warns_instead_of_failing() -> None:
    """A flushed database (the live-server tests leave one) is not an edit that removed a
    key: one warning says how to load the knowledge, and start-up goes on."""
    for model in (Obligation, Rule, Option, Question, Approach):
        model.objects.all().delete()
    output = check_output()
    assert "knowledge.W001" in output
    assert "knowledge.E" not in output


@pytest.mark.django_db
def test_the_check_waits_for_pending_knowledge_migrations() -> None:
    """``migrate`` runs the checks before it migrates: a database it is about to seed or
    bring up to date is not judged yet."""
    Approach.objects.filter(key="hybrid").delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'knowledge' AND name = "
            "(SELECT MAX(name) FROM django_migrations WHERE app = 'knowledge')"
        )
    assert "knowledge." not in check_output()


@pytest.mark.django_db
def test_the_repair_commands_run_despite_a_failing_check() -> None:
    Approach.objects.filter(key="hybrid").delete()
    # execute() runs the command's system checks as a shell would (run_from_argv would
    # also close the connection, which PostgreSQL's test transaction cannot survive).
    command = load_command_class("advisor.knowledge", "reset_knowledge")
    command.execute(
        stdout=StringIO(),
        stderr=StringIO(),
        skip_checks=False,
        no_color=True,
        force_color=False,
        verbosity=1,
        traceback=False,
        settings=None,
        pythonpath=None,
    )
    assert Approach.objects.filter(key="hybrid").exists()
    assert "knowledge." not in check_output()


def test_a_fresh_database_checks_migrates_and_passes(tmp_path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
    }

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )

    for args in (("check",), ("migrate", "-v0"), ("check",)):
        result = manage(*args)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "knowledge." not in result.stdout + result.stderr


# --- the admin ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_renaming_a_contract_question_in_the_admin_is_refused(admin_client) -> None:
    uptime = Question.objects.get(key="uptime")
    response = edit(admin_client, uptime, key="availability")
    assert response.status_code == 200
    (message,) = form_errors(response)["key"]
    assert message.startswith("The key 'uptime' cannot change:")
    assert "advisor.advice.pricing" in message
    assert "advisor.plan.platform" in message
    assert Question.objects.filter(pk=uptime.pk, key="uptime").exists()


@pytest.mark.django_db
def test_renaming_a_contract_answer_in_the_admin_is_refused(admin_client) -> None:
    response = edit_option(admin_client, "uptime", "mission_critical", "key", "critical")
    assert response.status_code == 200
    errors, _ = inline_errors(response)
    (message,) = next(e["key"] for e in errors if "key" in e)
    assert message.startswith("The key 'mission_critical' cannot change:")
    assert "advisor.advice.pricing" in message
    assert Option.objects.filter(question__key="uptime", key="mission_critical").exists()


@pytest.mark.django_db
def test_renaming_a_contract_approach_in_the_admin_is_refused(admin_client) -> None:
    hybrid = Approach.objects.get(key="hybrid")
    response = edit(admin_client, hybrid, key="mixed")
    (message,) = form_errors(response)["key"]
    assert "advisor.advice.pricing" in message
    assert Approach.objects.filter(pk=hybrid.pk, key="hybrid").exists()


@pytest.mark.django_db
def test_keys_outside_the_contract_can_still_be_renamed(admin_client) -> None:
    response = edit_option(admin_client, "uptime", "tolerant", "key", "can_wait")
    assert response.status_code == 302
    assert Option.objects.filter(question__key="uptime", key="can_wait").exists()
    question = Question.objects.create(key="spare", prompt="Spare?", kind="number", order=999)
    question.min_value, question.max_value = 0, 1
    question.save()
    assert edit(admin_client, question, key="spare_two").status_code == 302


@pytest.mark.django_db
def test_rewording_a_contract_question_is_still_allowed(admin_client) -> None:
    uptime = Question.objects.get(key="uptime")
    response = edit(admin_client, uptime, prompt="How bad is an hour of downtime?")
    assert response.status_code == 302
    assert Question.objects.get(pk=uptime.pk).prompt == "How bad is an hour of downtime?"


@pytest.mark.django_db
def test_a_contract_question_cannot_change_kind(admin_client) -> None:
    modalities = Question.objects.get(key="modalities")
    deletes = {
        option_field(admin_client, modalities, o.key, "DELETE"): "on"
        for o in modalities.options.all()
    }
    response = edit(
        admin_client, modalities, kind="number", min_value="0", max_value="9", **deletes
    )
    assert response.status_code == 200
    (message,) = form_errors(response)["kind"]
    assert message.startswith("It must stay a single choice question:")
    assert "advisor.advice.shortlist" in message


@pytest.mark.django_db
def test_deleting_a_contract_question_in_the_admin_is_refused(admin_client) -> None:
    uptime = Question.objects.get(key="uptime")
    url = admin_url(uptime, "delete")
    page = admin_client.get(url).content.decode()
    assert "the code relies on it" in page
    assert "advisor.advice.pricing" in page
    admin_client.post(url, {"post": "yes"})
    assert Question.objects.filter(pk=uptime.pk).exists()


@pytest.mark.django_db
def test_the_bulk_delete_action_refuses_contract_keys(admin_client) -> None:
    hybrid = Approach.objects.get(key="hybrid")
    page = admin_client.post(
        admin_url(Approach), {"action": "delete_selected", "_selected_action": [hybrid.pk]}
    )
    assert "advisor.plan.building" in page.content.decode()
    data = {"action": "delete_selected", "_selected_action": [hybrid.pk], "post": "yes"}
    admin_client.post(admin_url(Approach), data)
    assert Approach.objects.filter(pk=hybrid.pk).exists()
    sector = Question.objects.get(key="sector")
    data = {"action": "delete_selected", "_selected_action": [sector.pk], "post": "yes"}
    admin_client.post(admin_url(Question), data)
    assert Question.objects.filter(pk=sector.pk).exists()


@pytest.mark.django_db
def test_deleting_a_contract_answer_in_the_inline_is_refused(admin_client) -> None:
    response = edit_option(admin_client, "uptime", "mission_critical", "DELETE", "on")
    assert response.status_code == 200
    _, formset_errors = inline_errors(response)
    (message,) = formset_errors
    label = Option.objects.get(question__key="uptime", key="mission_critical").label
    assert message.startswith(f"The answer '{label}' cannot be deleted:")
    assert "advisor.plan.platform" in message
    assert Option.objects.filter(question__key="uptime", key="mission_critical").exists()


# --- the importer ---------------------------------------------------------------------------------


def import_refused(tmp_path, document) -> str:
    path = tmp_path / "ruleset.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("import_ruleset", str(path), stdout=StringIO())
    return str(raised.value)


@pytest.mark.django_db
def test_the_importer_refuses_a_document_without_a_contract_answer(tmp_path) -> None:
    document = export_document()
    uptime = next(q for q in document["questions"] if q["key"] == "uptime")
    uptime["options"] = [o for o in uptime["options"] if o["key"] != "mission_critical"]
    version = RulesetState.current()[0]
    message = import_refused(tmp_path, document)
    assert message.startswith("Nothing was changed.")
    assert "The document has no answer 'mission_critical' of the question 'uptime'." in message
    assert "advisor.plan.platform" in message
    assert RulesetState.current()[0] == version
    assert Option.objects.filter(question__key="uptime", key="mission_critical").exists()


@pytest.mark.django_db
def test_the_importer_refuses_a_document_without_a_contract_question_or_approach(
    tmp_path,
) -> None:
    document = export_document()
    document["questions"] = [q for q in document["questions"] if q["key"] != "sector"]
    document["approaches"][0]["key"] = "closed_model_api"
    message = import_refused(tmp_path, document)
    assert "The document has no question 'sector'." in message
    assert "advisor.plan.forms" in message
    assert "The document has no approach 'closed_api'." in message
    assert Question.objects.filter(key="sector").exists()
