"""The routing plan as configurations real AI gateways load: a LiteLLM proxy ``config.yaml``
and a Portkey gateway config.

Two steps, so that a saved report's exports never change:

1. ``targets_for`` (called while the plan is built) turns each workload's priced option into
   gateway targets: the provider-prefixed model id, where the key comes from (an environment
   variable's name, never a secret), the endpoint placeholder for your own deployments, the
   prices the plan used and the data rules the target may serve. ``fallbacks_for`` picks, for
   each target, the plan's other targets it may fall back to. Both are stored in the plan.
2. ``litellm_config`` and ``portkey_config`` render a plan (a fresh one, or a report's
   snapshot) from those stored figures alone: no knowledge or prices are read.

The rules for fallbacks: a workload whose data is sensitive or regulated falls back only to
deployments on your own infrastructure (never to a third-party API, a shared host or a
host's dedicated endpoint); never to an approach that an obligation in force blocks, or
allows only on conditions, for the workload's answers; never to another workload's
fine-tuned adapter; and only to a model of at least the tier the workload needs.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import yaml
from django.utils.text import slugify

from advisor import costs
from advisor.knowledge.pricebook import PriceBook

OWN = "own_infrastructure"
DEDICATED = "dedicated_host"
THIRD_PARTY = "third_party_api"
SENSITIVE = frozenset({"sensitive", "regulated"})
MAX_FALLBACKS = 3

#: Provider name in the price book -> (LiteLLM prefix, environment variable for its key,
#: Portkey provider).
PROVIDERS: dict[str, tuple[str, str, str]] = {
    "openai": ("openai", "OPENAI_API_KEY", "openai"),
    "anthropic": ("anthropic", "ANTHROPIC_API_KEY", "anthropic"),
    "google": ("gemini", "GEMINI_API_KEY", "google"),
    "groq": ("groq", "GROQ_API_KEY", "groq"),
    "together ai": ("together_ai", "TOGETHERAI_API_KEY", "together-ai"),
}

#: Offering key -> the provider's own model id (the price book names models for people).
#: An offering an editor adds later gets its model name slugified, which the provider may
#: spell differently: check the export before loading it.
MODEL_IDS: dict[str, str] = {
    "gpt-5": "gpt-5",
    "gpt-5-mini": "gpt-5-mini",
    "gpt-5-nano": "gpt-5-nano",
    "claude-opus-4-1": "claude-opus-4-1-20250805",
    "claude-sonnet-4": "claude-sonnet-4-20250514",
    "gemini-2-5-pro": "gemini-2.5-pro",
    "gemini-2-5-flash": "gemini-2.5-flash",
    "llama-3-3-70b-groq": "llama-3.3-70b-versatile",
    "llama-3-1-8b-groq": "llama-3.1-8b-instant",
    "llama-4-maverick-together": "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
    "mistral-small-together": "mistralai/Mistral-Small-24B-Instruct-2501",
    "deepseek-r1-together": "deepseek-ai/DeepSeek-R1",
    "deepseek-v3-together": "deepseek-ai/DeepSeek-V3",
}

#: A self-hosting profile's model size -> (open-weight model served with vLLM, Ollama tag).
SELF_HOSTED_MODELS: dict[str, tuple[str, str]] = {
    "small": ("meta-llama/Llama-3.1-8B-Instruct", "llama3.1:8b"),
    "medium": ("meta-llama/Llama-3.3-70B-Instruct", "llama3.3:70b"),
    "large": ("deepseek-ai/DeepSeek-V3", "deepseek-v3"),
}
SIZE_TIER = {"small": "small", "medium": "standard", "large": "frontier"}
OLLAMA_BASE = "http://localhost:11434"
#: Environment variables holding your own endpoints, one per shared platform.
PLATFORM_ENDPOINTS = {
    "open_self_hosted": "SELF_HOSTED_API_BASE",
    "open_fine_tuned": "FINE_TUNED_API_BASE",
}
DEDICATED_ENDPOINT = "DEDICATED_ENDPOINT_API_BASE"
DEDICATED_KEY = "DEDICATED_ENDPOINT_API_KEY"


#: Unicode categories that cannot stand inside one line of a comment: control characters
#: (newline, carriage return, NEL, tabs...), line and paragraph separators, invisible format
#: characters (bidirectional overrides, zero-width joiners, the BOM) and lone surrogates.
NOT_ON_A_LINE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def one_line(text: object) -> str:
    """``text`` as one plain line: every character a YAML or JSON reader (or a person) could
    take for a line break or hidden text becomes a space, and runs of spaces one. Names and
    titles pass through here before they are written anywhere a line ends a statement."""
    shown = "".join(
        " " if unicodedata.category(char) in NOT_ON_A_LINE else char for char in str(text)
    )
    return " ".join(shown.split())


def workload_slug(name: str, taken: set[str]) -> str:
    """A stable, unique slug for a workload's name (``task/<slug>`` in the gateways)."""
    base = slugify(name)[:60].strip("-") or "workload"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _per_token(per_million: Decimal) -> float:
    return float(per_million / costs.model.TOKENS_PER_PRICE_UNIT)


def _offering_target(book: PriceBook, key: str) -> dict[str, Any] | None:
    offering = book.offering(key)
    if offering is None:
        return None
    provider = PROVIDERS.get(offering.provider.lower())
    model_id = MODEL_IDS.get(offering.key) or slugify(offering.model)
    if provider is None:  # an OpenAI-compatible provider an editor added
        env = slugify(offering.provider).replace("-", "_").upper() or "PROVIDER"
        prefix, key_env, portkey = "openai", f"{env}_API_KEY", "openai"
        api_base: str | None = f"os.environ/{env}_API_BASE"
    else:
        prefix, key_env, portkey = provider
        api_base = None
    return {
        "model": f"{prefix}/{model_id}",
        "model_id": model_id,
        "provider": prefix,
        "portkey_provider": portkey,
        "api_key_env": key_env,
        "api_base": api_base,
        "data_class": THIRD_PARTY,
        "tier": offering.tier,
        "input_cost_per_token": _per_token(offering.input_usd_per_mtok),
        "output_cost_per_token": _per_token(offering.output_usd_per_mtok),
        "input_usd_per_mtok": f"{offering.input_usd_per_mtok.normalize():f}",
        "output_usd_per_mtok": f"{offering.output_usd_per_mtok.normalize():f}",
        "prices_as_of": offering.as_of.isoformat(),
        "option": offering.key,
        "option_label": offering.label,
    }


def _profile_target(book: PriceBook, key: str, approach: str, slug: str) -> dict[str, Any] | None:
    profile = book.profile(key)
    if profile is None:
        return None
    served, ollama_tag = SELF_HOSTED_MODELS[profile.model_size]
    common = {
        "tier": SIZE_TIER[profile.model_size],
        "prices_as_of": profile.as_of.isoformat(),
        "option": profile.key,
        "option_label": profile.label,
        "base_model": served,
    }
    if profile.deployment == "managed":
        # A host's dedicated endpoint speaks the OpenAI protocol at its own address.
        return common | {
            "model": f"openai/{served}",
            "model_id": served,
            "provider": "openai",
            "portkey_provider": "openai",
            "api_key_env": DEDICATED_KEY,
            "api_base": f"os.environ/{DEDICATED_ENDPOINT}",
            "data_class": DEDICATED,
        }
    if approach == "open_fine_tuned":
        # One vLLM deployment serves every fine-tuned workload as a LoRA adapter named
        # after it (vllm serve <base> --enable-lora --lora-modules <slug>=<path>).
        served, ollama_tag = slug, slug
    if profile.deployment == "local":
        return common | {
            "model": f"ollama/{ollama_tag}",
            "model_id": ollama_tag,
            "provider": "ollama",
            "portkey_provider": "ollama",
            "api_key_env": None,
            "api_base": OLLAMA_BASE,
            "data_class": OWN,
        }
    endpoint = PLATFORM_ENDPOINTS.get(approach, PLATFORM_ENDPOINTS["open_self_hosted"])
    return common | {
        "model": f"hosted_vllm/{served}",
        "model_id": served,
        "provider": "hosted_vllm",
        "portkey_provider": "openai",
        "api_key_env": None,
        "api_base": f"os.environ/{endpoint}",
        "data_class": OWN,
    }


def _target(
    book: PriceBook, approach: str, option: str, slug: str, kind: str
) -> dict[str, Any] | None:
    if kind == "offering":
        return _offering_target(book, option)
    return _profile_target(book, option, approach, slug)


def targets_for(
    book: PriceBook,
    slug: str,
    answers: Mapping[str, Any],
    needed_tier: str,
    cost: Mapping[str, Any] | None,
    monthly_usd: float | None,
    restricted: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The gateway targets of one workload routed and priced as ``cost`` says.

    One target, ``task/<slug>``; a workload the engine routes to a hybrid gets two: the
    open part as ``task/<slug>`` (its sensitive or high-volume work) and the closed part as
    ``task/<slug>-general`` (general work with no sensitive data in the prompts).
    """
    if cost is None:
        return []
    sensitivity = answers.get("data_sensitivity")
    if cost.get("kind") == "split":
        parts = {part["name"]: part for part in cost.get("parts", [])}
        found = []
        for part in parts.values():
            general = part["approach"] in {"closed_api", "closed_enterprise"}
            name = f"task/{slug}-general" if general else f"task/{slug}"
            kind = "profile" if book.profile(part["option"]) else "offering"
            target = _target(book, part["approach"], part["option"], slug, kind)
            if target is None:
                continue
            found.append(
                target
                | {
                    "model_name": name,
                    "approach": part["approach"],
                    "data_sensitivity": "non_sensitive" if general else sensitivity,
                    "needed_tier": needed_tier,
                    "restricted_approaches": list(restricted),
                    "monthly_usd": part["monthly_usd"] if monthly_usd is not None else None,
                    "requests_per_day": part.get("requests_per_day"),
                }
            )
        return sorted(found, key=lambda t: t["model_name"])
    target = _target(book, cost["approach"], cost["option"], slug, cost.get("kind", ""))
    if target is None:
        return []
    return [
        target
        | {
            "model_name": f"task/{slug}",
            "approach": cost["approach"],
            "data_sensitivity": sensitivity,
            "needed_tier": needed_tier,
            "restricted_approaches": list(restricted),
            "monthly_usd": monthly_usd,
            "requests_per_day": answers.get("requests_per_day"),
        }
    ]


def may_fall_back(source: Mapping[str, Any], target: Mapping[str, Any]) -> bool:
    """Whether ``source``'s requests may go to ``target`` when ``source`` fails: the same
    data rules (sensitive or regulated data stays on your own infrastructure), no approach
    an obligation in force blocks or conditions for the source's answers, at least the
    model tier the work needs, and not another workload's fine-tuned adapter."""
    if source["model_name"] == target["model_name"]:
        return False
    if target["approach"] == "open_fine_tuned":
        return False  # an adapter is trained for its own workload only
    if target["approach"] in source.get("restricted_approaches", ()):
        return False  # a law in force blocks it, or allows it only on conditions, here
    if source.get("data_sensitivity") in SENSITIVE and target["data_class"] != OWN:
        return False
    return costs.TIERS.index(target["tier"]) >= costs.TIERS.index(source["needed_tier"])


def fallbacks_for(targets: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """model_name -> the model names it may fall back to, in plan order, each deployment
    once and never its own deployment (a second call to a failing endpoint helps nobody)."""
    chosen: dict[str, list[str]] = {}
    for source in targets:
        candidates = [
            t
            for t in targets
            if may_fall_back(source, t) and (t["model"], t.get("api_base")) != _where(source)
        ]
        seen: set[tuple[str, str | None]] = set()
        names = []
        for candidate in candidates:
            if _where(candidate) in seen:
                continue
            seen.add(_where(candidate))
            names.append(candidate["model_name"])
        chosen[source["model_name"]] = names[:MAX_FALLBACKS]
    return chosen


def _where(target: Mapping[str, Any]) -> tuple[str, str | None]:
    return (target["model"], target.get("api_base"))


# --- rendering (from the plan alone) -------------------------------------------------------


def plan_targets(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every target of the plan, in workload order (empty for a plan saved before the plan
    kept its targets)."""
    return [target for row in plan["workloads"] for target in row.get("targets") or []]


def env_vars(plan: Mapping[str, Any]) -> list[str]:
    """The environment variables the exports read, sorted."""
    names = set()
    for target in plan_targets(plan):
        if target.get("api_key_env"):
            names.add(target["api_key_env"])
        base = target.get("api_base") or ""
        if base.startswith("os.environ/"):
            names.add(base.removeprefix("os.environ/"))
    return sorted(names)


def _header(plan: Mapping[str, Any], title: str | None) -> list[str]:
    lines = [
        f"Report: {one_line(title)}" if title else "Routing plan from the Sourcing Advisor",
        f"Knowledge base version {plan['ruleset_version']}; prices as of "
        f"{plan.get('prices_as_of') or 'unknown'} (the oldest price the plan used); "
        f"computed on {plan.get('computed_on') or 'unknown'}.",
        "Each workload is a model name: call task/<workload> (LiteLLM) or send "
        'metadata {"task": "<workload>"} (Portkey).',
        "Fallbacks never send sensitive or regulated data off your own infrastructure.",
    ]
    needed = env_vars(plan)
    if needed:
        lines.append("Set before starting: " + ", ".join(needed) + ".")
    if any(t["approach"] == "open_fine_tuned" for t in plan_targets(plan)):
        lines.append(
            "Fine-tuned workloads are adapters named after them: vllm serve <base model> "
            "--enable-lora --lora-modules <name>=<path>, or ollama create <name>."
        )
    skipped = [row["name"] for row in plan["workloads"] if not row.get("targets")]
    if skipped:
        lines.append(
            "Not routed (no approach fits or no option is priced): "
            + "; ".join(one_line(name) for name in skipped)
        )
    return lines


def litellm_config(plan: Mapping[str, Any], title: str | None = None) -> str:
    """The LiteLLM proxy ``config.yaml`` (``litellm --config config.yaml``)."""
    model_list = []
    for target in plan_targets(plan):
        params: dict[str, Any] = {"model": target["model"]}
        if target.get("api_base"):
            params["api_base"] = target["api_base"]
        if target.get("api_key_env"):
            params["api_key"] = f"os.environ/{target['api_key_env']}"
        info: dict[str, Any] = {
            "id": target["model_name"].replace("/", "-"),
            "mode": "chat",
        }
        if "input_cost_per_token" in target:
            info["input_cost_per_token"] = target["input_cost_per_token"]
            info["output_cost_per_token"] = target["output_cost_per_token"]
        info["sourcing_advisor"] = {
            "route_to": target["approach"],
            "option": target["option"],
            "option_label": target["option_label"],
            "monthly_usd": target.get("monthly_usd"),
            "prices_as_of": target["prices_as_of"],
            "data_class": target["data_class"],
        }
        model_list.append(
            {"model_name": target["model_name"], "litellm_params": params, "model_info": info}
        )
    fallbacks = [{name: names} for name, names in (plan.get("fallbacks") or {}).items() if names]
    config: dict[str, Any] = {"model_list": model_list}
    config["router_settings"] = {"fallbacks": fallbacks, "num_retries": 2}
    # Comments are the one part YAML cannot quote: each is forced onto its line.
    header = "".join(f"# {one_line(line)}\n" for line in _header(plan, title))
    body = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=1000)
    return header + body


def _portkey_target(target: Mapping[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"provider": target["portkey_provider"]}
    if target["data_class"] == THIRD_PARTY:
        # A virtual key you create in Portkey's vault, named after the provider's key.
        found["virtual_key"] = target["api_key_env"].lower().replace("_", "-")
    else:
        # Portkey has no environment references: a {{NAME}} placeholder to fill in.
        base = target.get("api_base") or ""
        env = base.removeprefix("os.environ/")
        found["custom_host"] = "{{" + env + "}}" if env != base else base
    found["override_params"] = {"model": target["model_id"]}
    return found


def portkey_config(plan: Mapping[str, Any]) -> dict[str, Any]:
    """A Portkey gateway config: conditional on ``metadata.task``, one target per workload,
    each a fallback chain when it has fallbacks (the same ones as LiteLLM's)."""
    targets = plan_targets(plan)
    by_name = {t["model_name"]: t for t in targets}
    fallbacks = plan.get("fallbacks") or {}
    named = []
    conditions = []
    for target in targets:
        name = target["model_name"].replace("/", "-")
        chain = [target["model_name"], *fallbacks.get(target["model_name"], [])]
        if len(chain) == 1:
            named.append({"name": name, **_portkey_target(target)})
        else:
            named.append(
                {
                    "name": name,
                    "strategy": {"mode": "fallback"},
                    "targets": [_portkey_target(by_name[n]) for n in chain if n in by_name],
                }
            )
        conditions.append(
            {
                "query": {"metadata.task": {"$eq": target["model_name"].removeprefix("task/")}},
                "then": name,
            }
        )
    strategy: dict[str, Any] = {"mode": "conditional", "conditions": conditions}
    # A request without a known task goes to your own infrastructure if the plan has one;
    # otherwise it matches nothing and fails, rather than sending unknown data outside.
    own = next((t for t in targets if t["data_class"] == OWN), None)
    if own is not None:
        strategy["default"] = own["model_name"].replace("/", "-")
    return {"strategy": strategy, "targets": named}


def portkey_json(plan: Mapping[str, Any]) -> str:
    return json.dumps(portkey_config(plan), indent=2, ensure_ascii=False) + "\n"


#: The plan's downloads: kind -> (file name, content type).
EXPORTS = {
    "policy": ("routing-policy.json", "application/json"),
    "litellm": ("litellm-config.yaml", "application/yaml; charset=utf-8"),
    "portkey": ("portkey-config.json", "application/json"),
}


def export_file(plan: Mapping[str, Any], kind: str, title: str | None = None) -> str:
    """The text of one of the plan's downloads (``EXPORTS``), from the plan alone."""
    from advisor.plan.building import routing_policy

    if kind == "litellm":
        return litellm_config(plan, title)
    if kind == "portkey":
        return portkey_json(plan)
    return json.dumps(routing_policy(plan), indent=2, ensure_ascii=False)
