"""Names and titles cannot write configuration: a workload's name or a saved plan's title
with a line break (newline, carriage return, NEL, U+2028, U+2029...) once became YAML keys
of the LiteLLM config (``general_settings.master_key``, ``environment_variables``), which
LiteLLM copies into its environment. Every export is loaded as its gateway would load it and
its keys compared with the plan's."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from advisor.knowledge.ruleset import current_knowledge
from advisor.plan.building import build_plan
from advisor.plan.gateways import one_line
from advisor.reports.models import Report
from tests.orgs.fixtures import editor, org, owner, viewer  # noqa: F401

pytestmark = pytest.mark.django_db

INJECTED = (
    "general_settings:\n  master_key: sk-attacker\nenvironment_variables:\n"
    "  OPENAI_API_BASE: https://attacker.example/v1\n"
)
BREAKS = ["\n", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1e"]
HOSTILE = [f"Chat{br}{INJECTED.replace(chr(10), br)}" for br in BREAKS] + [
    "Tickets: &a [1, 2] # *a",
    "- model_name: task/evil\n  litellm_params: {model: openai/x, api_base: https://attacker}",
    "\"quoted\" 'single' {braces} [list] | > ! % @ `",
    "\u202eright-to-left\u200bzero width\ufeffbom",
]
TOP_LEVEL = {"model_list", "router_settings"}
SENSITIVE = {"data_sensitivity": "sensitive", "requests_per_day": 900}
OPEN = {"data_sensitivity": "non_sensitive", "requests_per_day": 5000}
CLOSED = {
    "data_sensitivity": "non_sensitive",
    "requests_per_day": 10,
    "frontier_capability": "needed",
}
ANSWERS = [SENSITIVE, OPEN, CLOSED]


def workloads(names: list[str]) -> list[dict[str, Any]]:
    return [
        {"name": name[:120], "answers": ANSWERS[index % len(ANSWERS)]}
        for index, name in enumerate(names)
    ]


def check_exports(litellm: str, portkey: str, policy: str, plan: dict[str, Any]) -> None:
    """Each export holds exactly the plan's keys, whatever its names and title said."""
    names = [t["model_name"] for row in plan["workloads"] for t in row.get("targets") or []]
    assert names  # the plan routes something, so the check is not empty

    config = yaml.safe_load(litellm)
    assert set(config) == TOP_LEVEL
    assert [m["model_name"] for m in config["model_list"]] == names
    for model in config["model_list"]:
        assert set(model) == {"model_name", "litellm_params", "model_info"}
        assert set(model["litellm_params"]) <= {"model", "api_base", "api_key"}
        assert not (model["litellm_params"].get("api_base") or "").startswith("https://attacker")
    assert set(config["router_settings"]) == {"fallbacks", "num_retries"}
    for line in litellm.splitlines():  # comments stay comments, one line each
        assert line.startswith(("#", "model_list:", "router_settings:", " ", "-"))
    for char in ("\x85", "\u2028", "\u2029", "\r", "\x0b", "\x0c"):
        assert char not in litellm.split("model_list:")[0]

    gateway = json.loads(portkey)
    assert set(gateway) == {"strategy", "targets"}
    assert [t["name"] for t in gateway["targets"]] == [n.replace("/", "-") for n in names]
    tasks = [c["query"]["metadata.task"]["$eq"] for c in gateway["strategy"]["conditions"]]
    assert tasks == [n.removeprefix("task/") for n in names]

    routes = json.loads(policy)
    assert set(routes) == {
        "format",
        "format_version",
        "ruleset_version",
        "routes",
        "default",
        "notes",
    }
    assert [r["task"] for r in routes["routes"]] == [row["name"] for row in plan["workloads"]]


def test_the_live_plans_exports_keep_their_keys_whatever_the_names(client: Client) -> None:
    for name in HOSTILE[:12]:
        response = client.post("/plan/add/", {"name": name[:120], **OPEN})
        assert response.status_code in {200, 302}
    plan = client.get("/plan/").context["plan"]
    assert len(plan["workloads"]) == 12
    for row in plan["workloads"]:
        assert row["name"] == one_line(row["name"])

    check_exports(
        client.get("/plan/litellm.yaml").content.decode(),
        client.get("/plan/portkey.json").content.decode(),
        client.get("/plan/policy.json").content.decode(),
        plan,
    )


@pytest.mark.parametrize("title", HOSTILE, ids=[repr(t[:6]) for t in HOSTILE])
def test_a_saved_plans_exports_keep_their_keys_whatever_the_title(
    client: Client,
    editor,  # noqa: F811 - the fixture
    org,  # noqa: F811 - the fixture
    title: str,
) -> None:
    knowledge = current_knowledge()
    given_workloads = workloads(HOSTILE)
    plan = build_plan(knowledge, given_workloads)
    report = Report.objects.create(
        org=org,
        title=title,
        kind="plan",
        inputs={"workloads": given_workloads},
        snapshot=plan,
        ruleset_version=knowledge.version,
        created_by=editor,
    )
    client.force_login(editor)
    base = report.get_absolute_url() + "routing/"
    files = {}
    for name in ("litellm-config.yaml", "portkey-config.json", "routing-policy.json"):
        response = client.get(base + name)
        assert response.status_code == 200
        files[name] = response.content.decode()

    check_exports(
        files["litellm-config.yaml"],
        files["portkey-config.json"],
        files["routing-policy.json"],
        plan,
    )
    assert files["litellm-config.yaml"].startswith(f"# Report: {one_line(title)}\n")


def test_the_route_apis_litellm_export_keeps_its_keys(client: Client) -> None:
    body = {"workloads": workloads(HOSTILE)}
    data = client.post("/api/v1/route", json.dumps(body), content_type="application/json").json()
    config = yaml.safe_load(data["exports"]["litellm"])
    assert set(config) == TOP_LEVEL
    assert [m["model_name"] for m in config["model_list"]] == [
        name for row in data["plan"] for name in row["model_names"]
    ]


@given(st.text())
def test_one_line_never_leaves_a_line_break(text: str) -> None:
    line = one_line(text)
    assert len(line.splitlines()) <= 1
    assert yaml.safe_load(f"# {line}\nkey: 1\n") == {"key": 1}
