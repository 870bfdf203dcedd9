"""The shortlist on plain data (no database): which models fit, and what each costs."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from advisor.advice.shortlist import monthly_token_cost, result_shortlist, shortlist

TODAY = datetime.date(2026, 12, 4)
PERMISSIVE = {"name": "Apache-2.0", "url": "https://example.org/apache", "terms": "Permissive."}
LLAMA = {"name": "Llama Community License", "url": "https://example.org/llama", "terms": "700M."}


def model(key: str, **fields: Any) -> dict[str, Any]:
    """A catalogue entry as ``current_catalogue`` makes it, with defaults."""
    base: dict[str, Any] = {
        "key": key,
        "name": key.title(),
        "vendor": f"Vendor {key}",
        "family": "",
        "size": "",
        "tier": "standard",
        "open_weights": True,
        "license": PERMISSIVE,
        "max_monthly_users": None,
        "excluded_jurisdictions": [],
        "production_allowed": True,
        "context_window": 131072,
        "modalities": ["text"],
        "api_hosts": [],
        "self_hosting_profiles": ["h100"],
        "ollama": None,
        "notes": "",
        "in_guide": False,
        "superseded_by": "",
        "prices": [price("1", "2")],
        "quality": [],
    }
    base.update(fields)
    return base


def price(input_usd: str, output_usd: str, where: str = "Host", as_of: str = "2026-11-01"):
    return {
        "where": where,
        "input_usd_per_mtok": input_usd,
        "output_usd_per_mtok": output_usd,
        "as_of": as_of,
        "source": f"{where} pricing page",
        "source_url": "https://example.org/pricing",
        "offering": "",
    }


def keys(entries: list[dict[str, Any]]) -> list[str]:
    return [entry["model"] for entry in entries]


def run(catalogue, approach, answers=None, **kwargs):
    options: dict[str, Any] = {
        "requests_per_day": 1000,
        "input_tokens": 500,
        "output_tokens": 300,
        "today": TODAY,
    }
    options.update(kwargs)
    return shortlist(catalogue, approach, answers or {}, **options)


def test_monthly_cost_follows_volume_and_token_shape() -> None:
    one = price("2", "10")
    # 1,000 requests x 30 days x (500 x $2 + 300 x $10) / 1M = $120
    assert monthly_token_cost(one, 1000, 500, 300) == Decimal(120)
    assert monthly_token_cost(one, 2000, 500, 300) == Decimal(240)
    assert monthly_token_cost(one, 1000, 1000, 0) == Decimal(60)


def test_entries_are_priced_at_the_users_volume_cheapest_first_with_dates() -> None:
    catalogue = [
        model("dear", prices=[price("4", "8")]),
        model("cheap", prices=[price("0.1", "0.2", as_of="2026-10-01")]),
        model("middle", prices=[price("1", "2")]),
    ]
    entries = run(catalogue, "open_api_host", requests_per_day=2000)
    assert keys(entries) == ["cheap", "middle", "dear"]
    cheap = entries[0]
    assert cheap["monthly_usd"] == float(monthly_token_cost(cheap["price"], 2000, 500, 300))
    assert cheap["price"]["as_of"] == "2026-10-01"
    assert cheap["price"]["source"] == "Host pricing page"
    assert "cheapest" in cheap["why"]
    assert "cheapest" not in entries[1]["why"]


def test_a_model_priced_at_two_hosts_uses_the_cheaper() -> None:
    entries = run(
        [model("m", prices=[price("3", "3", "Dear"), price("1", "1", "Cheap")])],
        "open_api_host",
    )
    assert entries[0]["price"]["where"] == "Cheap"


def test_no_volume_gives_no_monthly_figure_but_keeps_the_unit_price() -> None:
    entries = run([model("m")], "open_api_host", requests_per_day=None)
    assert entries[0]["monthly_usd"] is None
    assert entries[0]["price"]["input_usd_per_mtok"] == "1"


def test_frontier_need_keeps_only_frontier_models() -> None:
    catalogue = [
        model("small", tier="small"),
        model("standard"),
        model("frontier", tier="frontier", prices=[price("9", "9")]),
    ]
    needed = run(catalogue, "open_api_host", {"frontier_capability": "needed"})
    assert keys(needed) == ["frontier"]
    everyday = run(catalogue, "open_api_host")
    assert "small" not in keys(everyday)
    assert keys(everyday)[0] == "standard"  # the exact tier before a stronger, dearer one
    small_task = run(catalogue, "open_api_host", min_tier="small")
    assert keys(small_task)[0] == "small"


def test_closed_approaches_list_closed_models_and_open_ones_open_models() -> None:
    catalogue = [model("open"), model("closed", open_weights=False)]
    assert keys(run(catalogue, "closed_api")) == ["closed"]
    assert keys(run(catalogue, "open_api_host")) == ["open"]


def test_a_user_base_over_the_llama_threshold_excludes_llama() -> None:
    catalogue = [
        model("llama", license=LLAMA, max_monthly_users=700_000_000),
        model("apache"),
    ]
    assert set(keys(run(catalogue, "open_api_host", monthly_users=1_000_000))) == {
        "llama",
        "apache",
    }
    assert keys(run(catalogue, "open_api_host", monthly_users=800_000_000)) == ["apache"]
    # The same through the answers, as the result passes them.
    through_answers = result_shortlist(
        catalogue,
        [("open_api_host", "Open model on an API host")],
        {"monthly_users": 800_000_000},
        None,
        input_tokens=500,
        output_tokens=300,
        min_tier="standard",
        today=TODAY,
    )
    assert keys(through_answers[0]["models"]) == ["apache"]


def test_a_licence_not_granted_in_the_users_jurisdiction_excludes_the_model() -> None:
    catalogue = [model("llama4", excluded_jurisdictions=["eu"]), model("other")]
    assert keys(run(catalogue, "open_api_host", {"jurisdiction": "eu"})) == ["other"]
    assert set(keys(run(catalogue, "open_api_host", {"jurisdiction": "us"}))) == {
        "llama4",
        "other",
    }


def test_research_and_non_production_licences_are_never_shortlisted() -> None:
    catalogue = [model("research", production_allowed=False), model("apache")]
    assert keys(run(catalogue, "open_self_hosted")) == ["apache"]


def test_modalities_the_user_needs_filter_models() -> None:
    catalogue = [model("text"), model("vision", modalities=["text", "image"])]
    assert keys(run(catalogue, "open_api_host", modalities=("image",))) == ["vision"]


PROFILE = {
    "option": "h100",
    "option_label": "One H100",
    "monthly_usd": 2500.0,
    "prices_as_of": "2025-09-01",
    "source": "GPU cloud list price",
}


@pytest.mark.parametrize("data", ["regulated", "sensitive"])
def test_sensitive_data_never_goes_to_a_shared_api_host(data: str) -> None:
    catalogue = [
        model("hosted-only", self_hosting_profiles=[]),
        model("runs-on-h100"),
        model("needs-a-node", self_hosting_profiles=["8xh100"]),
    ]
    entries = run(catalogue, "open_api_host", {"data_sensitivity": data}, profile=PROFILE)
    assert keys(entries) == ["runs-on-h100"]
    entry = entries[0]
    assert entry["price"] is None  # no shared host's per-token price
    assert entry["monthly_usd"] == PROFILE["monthly_usd"]
    assert entry["runs_on"] == {
        "option": "h100",
        "label": "One H100",
        "as_of": "2025-09-01",
        "source": "GPU cloud list price",
    }
    shared = run(catalogue, "open_api_host", {"data_sensitivity": "non_sensitive"})
    assert "hosted-only" in keys(shared)


def test_self_hosted_models_share_the_priced_set_up() -> None:
    catalogue = [model("a"), model("b"), model("c", self_hosting_profiles=["8xh100"])]
    entries = run(catalogue, "open_self_hosted", profile=PROFILE)
    assert keys(entries) == ["a", "b"]
    assert {e["monthly_usd"] for e in entries} == {2500.0}


def test_two_to_four_entries_one_per_vendor_first() -> None:
    catalogue = [
        model(f"{vendor}-{n}", vendor=vendor, prices=[price(str(n), str(n))])
        for vendor in ("A", "B")
        for n in range(1, 4)
    ]
    entries = run(catalogue, "open_api_host")
    assert len(entries) == 4
    assert {e["vendor"] for e in entries[:2]} == {"A", "B"}
    assert len(run(catalogue, "open_api_host", limit=2)) == 2


def test_guide_named_models_lead_when_there_is_nothing_to_price() -> None:
    catalogue = [model("plain"), model("named", in_guide=True, tier="frontier")]
    assert keys(run(catalogue, "open_self_hosted", requests_per_day=None))[0] == "named"
    entry = run(catalogue, "open_self_hosted", requests_per_day=None)[0]
    assert "guide" in entry["why"]


def test_a_superseded_model_says_what_replaced_it() -> None:
    catalogue = [model("old", superseded_by="new"), model("new", name="New Model")]
    entry = next(e for e in run(catalogue, "open_api_host") if e["model"] == "old")
    assert "New Model" in entry["why"]


def test_the_enterprise_tier_adds_its_uplift_and_minimum() -> None:
    catalogue = [model("closed", open_weights=False, prices=[price("2", "10")])]
    plain = run(catalogue, "closed_api")[0]["monthly_usd"]
    uplifted = run(catalogue, "closed_enterprise", enterprise_uplift_percent=Decimal(10))
    assert uplifted[0]["monthly_usd"] == pytest.approx(plain * 1.1)
    minimum = run(
        catalogue,
        "closed_enterprise",
        requests_per_day=1,
        enterprise_minimum_monthly_usd=Decimal(1000),
    )
    assert minimum[0]["monthly_usd"] == 1000.0


def test_a_hybrid_lists_models_for_each_part_at_the_parts_volume() -> None:
    catalogue = [
        model("closed", open_weights=False, prices=[price("2", "10")]),
        model("open", prices=[price("1", "1")]),
    ]
    costs = {
        "approaches": [
            {
                "approach": "hybrid",
                "kind": "split",
                "prices_as_of": "2025-08-01",
                "source": "price book",
                "parts": [
                    {
                        "approach": "closed_api",
                        "requests_per_day": 200,
                        "option": "x",
                        "option_label": "X",
                        "monthly_usd": 1.0,
                    },
                    {
                        "approach": "open_api_host",
                        "requests_per_day": 800,
                        "option": "y",
                        "option_label": "Y",
                        "monthly_usd": 1.0,
                    },
                ],
            }
        ]
    }
    groups = result_shortlist(
        catalogue,
        [("hybrid", "Hybrid")],
        {"requests_per_day": 1000},
        costs,
        input_tokens=500,
        output_tokens=300,
        min_tier="standard",
        today=TODAY,
        hybrid_parts=[("closed_api", {}), ("open_api_host", {})],
    )
    entries = {e["model"]: e for e in groups[0]["models"]}
    assert set(entries) == {"closed", "open"}
    assert entries["closed"]["approach"] == "closed_api"
    assert entries["closed"]["monthly_usd"] == float(
        monthly_token_cost(price("2", "10"), 200, 500, 300)
    )
    assert entries["open"]["monthly_usd"] == float(
        monthly_token_cost(price("1", "1"), 800, 500, 300)
    )


def test_stale_prices_are_flagged() -> None:
    old = [model("old", prices=[price("1", "1", as_of="2025-01-01")])]
    fresh = [model("fresh", prices=[price("1", "1", as_of="2026-11-30")])]
    assert run(old, "open_api_host")[0]["stale"] is True
    assert run(fresh, "open_api_host")[0]["stale"] is False


def test_the_shortlist_module_is_plain_python() -> None:
    """No Django in the shortlist: it runs on the catalogue's plain data only."""
    import ast
    from pathlib import Path

    import advisor.advice.shortlist as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert not any(name.startswith("django") for name in imported), imported
