"""The plan's gateway exports load in the real LiteLLM router and route every workload.

Each test builds a plan, renders its LiteLLM ``config.yaml``, parses it as the proxy would
(YAML), loads its model list and fallbacks into ``litellm.Router`` and sends one mocked
request per workload (``mock_response``: no network). A fallback is checked against the
data rule from the export alone: a workload with sensitive or regulated data may only fall
back to a deployment on its own infrastructure (vLLM or Ollama, at your own address).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.knowledge.ruleset import current_knowledge
from advisor.plan.building import build_plan
from advisor.plan.gateways import litellm_config, portkey_config

pytestmark = pytest.mark.django_db

OWN_PROVIDERS = ("hosted_vllm/", "ollama/")
MESSAGES = [{"role": "user", "content": "Route me."}]


def load_router(text: str) -> tuple[Any, dict[str, Any]]:
    import litellm  # a test dependency only (the gateway-tests extra)

    config = yaml.safe_load(text)
    router = litellm.Router(
        model_list=config["model_list"],
        fallbacks=config["router_settings"]["fallbacks"],
        num_retries=0,
    )
    return router, config


def deployments(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["model_name"]: entry for entry in config["model_list"]}


def own_infrastructure(entry: dict[str, Any]) -> bool:
    params = entry["litellm_params"]
    return params["model"].startswith(OWN_PROVIDERS) and "api_key" not in params


def check_routes(plan: dict[str, Any], text: str) -> None:
    router, config = load_router(text)
    by_name = deployments(config)
    for row in plan["workloads"]:
        if row["approach"] is None:
            assert not row["targets"]
            continue
        for target in row["targets"]:
            entry = by_name[target["model_name"]]
            response = router.completion(
                model=target["model_name"], messages=MESSAGES, mock_response="ok"
            )
            hidden = response._hidden_params
            assert response.choices[0].message.content == "ok"
            # The deployment reached is this workload's, with the model the plan chose.
            assert hidden["model_id"] == entry["model_info"]["id"]
            assert hidden["litellm_model_name"] == target["model"]
            assert entry["model_info"]["sourcing_advisor"]["option"] == target["option"]
            if "input_cost_per_token" in entry["model_info"]:
                # LiteLLM charges the request at the prices the plan used.
                usage = response.usage
                expected = (
                    usage.prompt_tokens * entry["model_info"]["input_cost_per_token"]
                    + usage.completion_tokens * entry["model_info"]["output_cost_per_token"]
                )
                assert hidden["response_cost"] == pytest.approx(expected)
    sensitivity = {
        target["model_name"]: row["answers"].get("data_sensitivity")
        for row in plan["workloads"]
        for target in row["targets"]
    }
    restricted = {
        target["model_name"]: set(row["restricted_approaches"])
        for row in plan["workloads"]
        for target in row["targets"]
    }
    for rule in config["router_settings"]["fallbacks"]:
        ((source, names),) = rule.items()
        assert names, "a fallback rule without targets"
        for name in names:
            assert name != source
            if sensitivity[source] in {"sensitive", "regulated"} and not source.endswith(
                "-general"
            ):
                assert own_infrastructure(by_name[name]), (source, name)
            # Never to an approach a law in force blocks or conditions for the source.
            route = by_name[name]["model_info"]["sourcing_advisor"]["route_to"]
            assert route not in restricted[source], (source, name)
        # The router itself follows the rule: a failing first call lands on a fallback.
        response = router.completion(
            model=source, messages=MESSAGES, mock_response="ok", mock_testing_fallbacks=True
        )
        reached = response._hidden_params["model_id"]
        assert reached in {by_name[name]["model_info"]["id"] for name in names}


def test_the_financial_services_export_routes_every_workload() -> None:
    knowledge = current_knowledge()
    preset = knowledge.catalogue.plan("financial-services")
    assert preset is not None
    plan = build_plan(knowledge, preset.workloads)
    text = litellm_config(plan, "Bank routing")
    assert text.startswith("# Report: Bank routing\n")
    assert f"Knowledge base version {knowledge.version}" in text
    assert "prices as of 2025-08-01" in text
    config = yaml.safe_load(text)
    models = {e["model_name"]: e["litellm_params"]["model"] for e in config["model_list"]}
    assert models["task/drafting-client-communications"] == "openai/gpt-5"
    assert models["task/classifying-documents"].startswith("together_ai/")
    assert models["task/analysing-client-portfolios"].startswith(OWN_PROVIDERS)
    # Keys are references to the environment, never values.
    for entry in config["model_list"]:
        key = entry["litellm_params"].get("api_key")
        assert key is None or key.startswith("os.environ/")
    # The prices the plan used: GPT-5 at $1.25 / $10 per million tokens.
    info = deployments(config)["task/drafting-client-communications"]["model_info"]
    assert info["input_cost_per_token"] == pytest.approx(1.25e-6)
    assert info["output_cost_per_token"] == pytest.approx(10e-6)
    # The regulated portfolio analysis has no fallback outside its own infrastructure.
    fallbacks = {k: v for rule in config["router_settings"]["fallbacks"] for k, v in rule.items()}
    assert "task/analysing-client-portfolios" not in fallbacks
    check_routes(plan, text)


QUESTION_VALUES = {
    "data_sensitivity": st.sampled_from(["regulated", "sensitive", "non_sensitive"]),
    "requests_per_day": st.integers(0, 2_000_000),
    "team_capacity": st.sampled_from(["no_ml_team", "ml_team"]),
    "customization": st.sampled_from(["standard", "domain_specific"]),
    "uptime": st.sampled_from(["mission_critical", "tolerant"]),
    "frontier_capability": st.sampled_from(["needed", "not_needed"]),
    "stage": st.sampled_from(["prototype", "production"]),
    "jurisdiction": st.sampled_from(["eu", "uk", "us", "other"]),
    "sector": st.sampled_from(["healthcare", "finance", "legal", "public_sector", "other"]),
}
workload = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["Chat", "Search", "Summaries", "Triage", "Chat!", "Écrire"]),
        "answers": st.fixed_dictionaries({}, optional=QUESTION_VALUES),
    }
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(workloads=st.lists(workload, min_size=1, max_size=10))
def test_a_random_plan_export_routes_every_workload(workloads: list[dict[str, Any]]) -> None:
    plan = build_plan(current_knowledge(), workloads)
    check_routes(plan, litellm_config(plan))
    portkey = portkey_config(plan)
    json.dumps(portkey)  # plain JSON
    names = {t["name"] for t in portkey["targets"]}
    assert {c["then"] for c in portkey["strategy"]["conditions"]} <= names


def test_the_portkey_config_is_conditional_on_the_task_with_the_same_rule() -> None:
    knowledge = current_knowledge()
    plan = build_plan(
        knowledge,
        [
            {
                "name": "Letters",
                "answers": {
                    "data_sensitivity": "non_sensitive",
                    "requests_per_day": 300,
                    "frontier_capability": "needed",
                },
            },
            {
                "name": "Records",
                "answers": {
                    "data_sensitivity": "regulated",
                    "requests_per_day": 2000,
                    "team_capacity": "ml_team",
                },
            },
            {
                "name": "Notes",
                "answers": {
                    "data_sensitivity": "sensitive",
                    "requests_per_day": 1000,
                    "team_capacity": "ml_team",
                },
            },
        ],
    )
    config = portkey_config(plan)
    assert config["strategy"]["mode"] == "conditional"
    conditions = config["strategy"]["conditions"]
    assert [c["query"] for c in conditions] == [
        {"metadata.task": {"$eq": slug}} for slug in ("letters", "records", "notes")
    ]
    targets = {t["name"]: t for t in config["targets"]}
    assert set(targets) == {c["then"] for c in conditions}
    for name in ("task-records", "task-notes"):
        chain = targets[name].get("targets", [targets[name]])
        # Regulated and sensitive work stays on your own hosts, fallbacks included.
        assert all("custom_host" in t and "virtual_key" not in t for t in chain), chain
    letters = targets["task-letters"]
    first = letters["targets"][0] if "targets" in letters else letters
    assert first["provider"] == "openai"
    assert first["override_params"] == {"model": "gpt-5"}
    # No secrets: keys are Portkey virtual keys by name, hosts are placeholders or local.
    text = json.dumps(config)
    assert "api_key" not in text
    assert config["strategy"]["default"] in targets
    assert not targets[config["strategy"]["default"]].get("virtual_key")


def test_a_fallback_never_goes_where_an_obligation_restricts_the_work() -> None:
    from advisor.plan.gateways import may_fall_back

    source = {
        "model_name": "task/letters",
        "data_sensitivity": "non_sensitive",
        "needed_tier": "standard",
        "restricted_approaches": ["closed_api"],
    }
    closed = {
        "model_name": "task/other",
        "approach": "closed_api",
        "data_class": "third_party_api",
        "tier": "frontier",
    }
    hosted = closed | {"approach": "open_api_host", "tier": "standard"}
    assert not may_fall_back(source, closed)
    assert may_fall_back(source, hosted)
    assert not may_fall_back(source | {"needed_tier": "frontier"}, hosted)
    assert not may_fall_back(source | {"data_sensitivity": "regulated"}, hosted)
