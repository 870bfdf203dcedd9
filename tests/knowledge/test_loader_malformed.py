"""Every malformed ruleset document gets the clean "Nothing was changed" answer.

Found in the attack: 7 of 37 malformed documents ended in a raw traceback. This corpus puts
a value of the wrong type or range in every part of the document; each import must end in
``CommandError`` listing problems, with the database as it was.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from advisor.knowledge.loader import read_seed
from advisor.knowledge.models import RulesetState

pytestmark = pytest.mark.django_db

Doc = dict[str, Any]


def first(section: str, **where: Any) -> Callable[[Doc], dict[str, Any]]:
    def pick(document: Doc) -> dict[str, Any]:
        items = document[section]
        return next(i for i in items if all(i.get(k) == v for k, v in where.items()))

    return pick


def put(pick: Callable[[Doc], dict[str, Any]], field: str, value: Any) -> Callable[[Doc], Doc]:
    def mutate(document: Doc) -> Doc:
        pick(document)[field] = value
        return document

    return mutate


def top(field: str, value: Any) -> Callable[[Doc], Doc]:
    def mutate(document: Doc) -> Doc:
        document[field] = value
        return document

    return mutate


def replace_document(value: Any) -> Callable[[Doc], Any]:
    return lambda document: value


QUESTION = first("questions", key="data_sensitivity")
NUMBER = first("questions", key="requests_per_day")
APPROACH = first("approaches", key="closed_api")
DIMENSION = lambda d: d["dimensions"][0]  # noqa: E731
RULE = lambda d: d["rules"][0]  # noqa: E731
CONDITION = lambda d: d["rules"][0]["conditions"][0]  # noqa: E731
PRESET = lambda d: d["presets"][0]  # noqa: E731
ACCESS = lambda d: d["access_paths"][0]  # noqa: E731
OFFERING = lambda d: d["offerings"][0]  # noqa: E731
PROFILE = lambda d: d["infrastructure"][1]  # noqa: E731
PLAN = lambda d: d["plans"][0]  # noqa: E731
SETTINGS = lambda d: d["settings"]  # noqa: E731

CORPUS: dict[str, Callable[[Doc], Any]] = {
    "not an object": replace_document([]),
    "a string": replace_document("ruleset"),
    "null": replace_document(None),
    "settings a list": top("settings", []),
    "settings a string": top("settings", "x"),
    "margin text": put(SETTINGS, "close_call_margin", "wide"),
    "margin null": put(SETTINGS, "close_call_margin", None),
    "margin a list": put(SETTINGS, "close_call_margin", [5]),
    "margin huge": put(SETTINGS, "close_call_margin", 10**30),
    "tokens text": put(SETTINGS, "input_tokens", "many"),
    "fine-tuning text": put(SETTINGS, "fine_tuning_one_off_usd", "lots"),
    "stale days a float": put(SETTINGS, "price_stale_after_days", 1.5),
    "questions an object": top("questions", {}),
    "question key null": put(QUESTION, "key", None),
    "question key a number": put(QUESTION, "key", 5),
    "question key with spaces": put(QUESTION, "key", "no spaces allowed"),
    "question prompt null": put(QUESTION, "prompt", None),
    "question kind unknown": put(QUESTION, "kind", "slider"),
    "question options a string": put(QUESTION, "options", "abc"),
    "question options numbers": put(QUESTION, "options", [1, 2]),
    "option key null": lambda d: put(QUESTION, "options", [{"key": None, "label": "x"}])(d),
    "option without label": lambda d: put(QUESTION, "options", [{"key": "x"}])(d),
    "number maximum text": put(NUMBER, "max_value", "lots"),
    "number maximum huge": put(NUMBER, "max_value", 10**30),
    "show_if a string": put(first("questions", key="uptime"), "show_if", "stage"),
    "show_if unknown question": put(
        first("questions", key="uptime"), "show_if", {"question": "nope", "options": ["x"]}
    ),
    "show_if unknown option": put(
        first("questions", key="uptime"), "show_if", {"question": "stage", "options": ["nope"]}
    ),
    "approach label null": put(APPROACH, "label", None),
    "approach strengths a number": put(APPROACH, "strengths", 5),
    "approach summary too long": put(APPROACH, "summary", "x" * 1000),
    "dimension ratings a string": put(DIMENSION, "ratings", "high"),
    "dimension rating text": lambda d: DIMENSION(d)["ratings"].update(closed_api="high") or d,
    "dimension rating 99": lambda d: DIMENSION(d)["ratings"].update(closed_api=99) or d,
    "rule conditions a string": put(RULE, "conditions", "always"),
    "rule effect unknown": put(RULE, "effect", "zap"),
    "rule points text": put(RULE, "points", "many"),
    "rule points null": put(RULE, "points", None),
    "rule approach unknown": put(RULE, "approach", "nope"),
    "rule rationale null": put(RULE, "rationale", None),
    "condition without operator": lambda d: CONDITION(d).pop("operator") and d,
    "condition operator unknown": put(CONDITION, "operator", "near"),
    "condition threshold text": lambda d: put(
        lambda d: d["rules"][0],
        "conditions",
        [{"question": "requests_per_day", "operator": "gt", "threshold": "many"}],
    )(d),
    "preset answers a string": put(PRESET, "answers", "x"),
    "preset slug null": put(PRESET, "slug", None),
    "preset expected a number": put(PRESET, "expected", 5),
    "access path kind unknown": put(ACCESS, "kind", "carrier-pigeon"),
    "access path steps a number": put(ACCESS, "steps", 5),
    "offering price negative": put(OFFERING, "input_usd_per_mtok", "-1"),
    "offering price text": put(OFFERING, "input_usd_per_mtok", "cheap"),
    "offering date text": put(OFFERING, "as_of", "yesterday"),
    "offering date a number": put(OFFERING, "as_of", 20250101),
    "offering openness unknown": put(OFFERING, "openness", "ajar"),
    "offering key null": put(OFFERING, "key", None),
    "offering default text": put(OFFERING, "is_default", "maybe"),
    "profile gpus zero": put(PROFILE, "gpus_per_replica", 0),
    "profile throughput zero": put(PROFILE, "decode_tokens_per_second", "0"),
    "profile utilisation two": put(PROFILE, "utilisation", "2"),
    "profile cap negative": put(PROFILE, "max_requests_per_day", -5),
    "profile cap text": put(PROFILE, "max_requests_per_day", "many"),
    "plans an object": top("plans", {}),
    "plan workloads a string": put(PLAN, "workloads", "x"),
    "plan workload a number": put(PLAN, "workloads", [5]),
    "plan workload answers a string": put(PLAN, "workloads", [{"name": "x", "answers": "y"}]),
    "plan slug null": put(PLAN, "slug", None),
}


@pytest.fixture(scope="module")
def seed() -> Doc:
    return read_seed()


@pytest.mark.parametrize("name", list(CORPUS))
def test_a_malformed_document_changes_nothing_and_says_so(tmp_path, seed, name) -> None:
    document = CORPUS[name](copy.deepcopy(seed))
    path = tmp_path / "ruleset.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = RulesetState.objects.values_list("version", "close_call_margin").get()

    with pytest.raises(CommandError) as raised:
        call_command("import_ruleset", str(path), stdout=StringIO())

    lines = str(raised.value).splitlines()
    assert lines[0] == "Nothing was changed. Problems:"
    assert len(lines) > 1
    assert all(line.startswith("- ") for line in lines[1:])
    assert RulesetState.objects.values_list("version", "close_call_margin").get() == before
