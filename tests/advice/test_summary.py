"""The executive summary: a pure function of an outcome dict (no database)."""

from __future__ import annotations

import copy
from typing import Any

from advisor.advice.summary import MAX_RISKS, executive_summary


def outcome(**changes: Any) -> dict[str, Any]:
    """A small result as ``build_result`` shapes it: the pick is the cheapest allowed."""
    base: dict[str, Any] = {
        "kind": "result",
        "no_signal": False,
        "message": "",
        "top": {
            "key": "open_api_host",
            "label": "Open model via an API host",
            "summary": "An open-weight model served by a host.",
            "risks": ["Data is processed on the host's servers", "SLAs vary", "Own safety layer"],
        },
        "close_call": False,
        "tie": False,
        "runner_up": {"key": "closed_api", "label": "Closed model via API"},
        "ranking": [
            {"approach": "open_api_host", "label": "Open model via an API host"},
            {"approach": "closed_api", "label": "Closed model via API"},
            {"approach": "open_self_hosted", "label": "Open model, self-hosted"},
        ],
        "caveats": [],
        "next_steps": [
            {"title": "Use a third-party API host", "description": "d", "steps": ["Pick a host"]}
        ],
        "costs": {
            "approaches": [
                {
                    "approach": "open_api_host",
                    "monthly_usd": 234.0,
                    "allowed": True,
                    "option_label": "Llama on Together",
                },
                {
                    "approach": "closed_api",
                    "monthly_usd": 435.0,
                    "allowed": True,
                    "option_label": "GPT-5 mini",
                },
                {
                    "approach": "open_self_hosted",
                    "monthly_usd": 99.0,
                    "allowed": False,
                    "option_label": "L4",
                },
            ],
            "cheapest_allowed": "open_api_host",
            "analysis": {
                "sensitivity": [
                    {
                        "approach": "open_api_host",
                        "monthly_usd": 234.0,
                        "inputs": [{"low_usd": 117.0, "high_usd": 468.0}],
                    },
                ]
            },
        },
        "plan": None,
    }
    return base | changes


def test_it_says_the_decision_in_one_sentence() -> None:
    summary = executive_summary(outcome())

    assert summary is not None
    assert summary["state"] == "pick"
    assert summary["decision"] == "We recommend Open model via an API host."
    assert summary["why"] == "An open-weight model served by a host."


def test_it_gives_the_pick_a_range_from_the_sensitivity_analysis() -> None:
    pick = executive_summary(outcome())["pick"]

    assert (pick["monthly_usd"], pick["low_usd"], pick["high_usd"]) == (234.0, 117.0, 468.0)
    assert executive_summary(outcome())["pick_is_cheapest"] is True


def test_without_a_range_the_pick_has_one_figure() -> None:
    given = outcome()
    del given["costs"]["analysis"]

    pick = executive_summary(given)["pick"]

    assert (pick["monthly_usd"], pick["low_usd"], pick["high_usd"]) == (234.0, None, None)


def test_the_alternative_is_the_cheapest_allowed_other_approach() -> None:
    alternative = executive_summary(outcome())["alternative"]

    # The self-hosted option is cheaper but not allowed by the answers.
    assert alternative["approach"] == "closed_api"
    assert alternative["monthly_usd"] == 435.0
    assert alternative["label"] == "Closed model via API"


def test_risks_put_caveats_and_obligations_first_and_stop_at_three() -> None:
    given = outcome(
        caveats=[{"text": "Check the costs at your real volume."}],
        obligations=[{"summary": "The EU AI Act applies."}],
    )

    risks = executive_summary(given)["risks"]

    assert [r["kind"] for r in risks] == ["caveat", "obligation", "risk"]
    assert risks[0]["text"] == "Check the costs at your real volume."
    assert risks[1]["text"] == "The EU AI Act applies."
    assert len(risks) == MAX_RISKS


def test_the_next_step_is_the_first_step_of_the_first_path() -> None:
    assert executive_summary(outcome())["next_step"] == {
        "title": "Use a third-party API host",
        "text": "Pick a host",
    }


def test_a_close_call_names_the_runner_up() -> None:
    decision = executive_summary(outcome(close_call=True))["decision"]

    assert "Closed model via API" in decision


def test_a_hybrid_says_where_each_part_goes() -> None:
    plan = {
        "parts": [
            {"name": "General work", "approach": "closed_api", "approach_label": "Closed API"},
            {"name": "Sensitive work", "approach": "open_api_host", "approach_label": "Host"},
        ]
    }
    top = {"key": "hybrid", "label": "Hybrid", "summary": "", "risks": []}

    decision = executive_summary(outcome(top=top, plan=plan))["decision"]

    assert "general work to Closed API" in decision
    assert "sensitive work to Host" in decision


def test_with_no_signal_it_does_not_pretend_a_pick() -> None:
    summary = executive_summary(
        outcome(no_signal=True, top=None, message="Your answers give no signal yet.", costs=None)
    )

    assert summary["state"] == "no_signal"
    assert summary["pick"] is None
    assert summary["alternative"] is None
    assert "no signal" in summary["decision"]
    assert summary["why"] == "Your answers give no signal yet."


def test_when_nothing_fits_it_says_so() -> None:
    summary = executive_summary(outcome(top=None, costs=None))

    assert summary["state"] == "none_fits"
    assert summary["pick"] is None


def test_without_a_volume_it_says_what_to_answer() -> None:
    summary = executive_summary(outcome(costs=None))

    assert summary["pick"] is None
    assert "requests a day" in summary["cost_note"]


def test_it_reads_the_outcome_without_changing_it() -> None:
    given = outcome(caveats=[{"text": "x"}])
    before = copy.deepcopy(given)

    executive_summary(given)

    assert given == before


def test_a_plan_has_its_combined_cost_and_routes() -> None:
    plan = {
        "kind": "plan",
        "hybrid": True,
        "total_monthly_usd": 1200.5,
        "total_complete": True,
        "workloads": [
            {"name": "Chat", "approach_label": "Closed model via API", "close_call": True},
            {"name": "Notes", "approach_label": "Open model, self-hosted", "close_call": False},
        ],
    }

    summary = executive_summary(plan)

    assert summary["state"] == "plan"
    assert summary["pick"]["monthly_usd"] == 1200.5
    assert "Chat to Closed model via API" in summary["decision"]
    assert len(summary["risks"]) == 1


def test_no_outcome_no_summary() -> None:
    assert executive_summary(None) is None


def test_lower_first_keeps_capitals_after_the_first_letter() -> None:
    from advisor.advice.summary import lower_first

    assert lower_first("Open model via an API host") == "open model via an API host"
    assert lower_first("GPT-5 mini") == "GPT-5 mini"
    assert lower_first("API host") == "API host"
    assert lower_first("") == ""


def test_obligations_say_what_the_law_asks_of_the_pick_and_take_turns_with_caveats() -> None:
    given = outcome(
        caveats=[{"text": "Caveat one."}, {"text": "Caveat two."}],
        obligations=[
            {
                "title": "GDPR: a processing agreement",
                "summary": "Any processor needs a contract.",
                "conditions": {"open_api_host": "Sign the host's data processing agreement."},
                "in_effect": True,
            },
            {"title": "AI Act proposal", "summary": "Later.", "in_effect": False},
        ],
    )

    risks = executive_summary(given)["risks"]

    assert [r["kind"] for r in risks] == ["caveat", "obligation", "caveat"]
    assert risks[1]["text"] == (
        "GDPR: a processing agreement: Sign the host's data processing agreement."
    )
