"""The executive summary of a result or a plan: what a board member reads first.

A pure function of the outcome dict (``result.build_result`` or ``plan.build_plan``), so a
saved report's summary comes from its frozen snapshot and never changes when prices or rules
do. No Django import: the pages, the PDF and the Markdown export render the same dict.

The summary says, in words: the decision in one sentence, the monthly cost of the pick (a
range when the sensitivity analysis gives one) and of the cheapest allowed alternative, the
two or three risks that matter (caveats and legal obligations first, then the pick's own
risks), and the next step. With no signal it says so instead of pretending a pick.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MAX_RISKS = 3
NO_SIGNAL_DECISION = "No recommendation yet: your answers give no signal."
NO_SIGNAL_NEXT = "Answer the questions, starting with what data the model will see."
NONE_FITS_DECISION = "No approach fits every constraint in your answers."
NONE_FITS_NEXT = "Read why each approach is ruled out, then relax one of the constraints."
NO_VOLUME_NOTE = "Answer how many requests a day you expect to see monthly costs."


def executive_summary(outcome: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The summary of ``outcome`` as plain data, or None when there is no outcome.

    Keys: ``state`` (``"pick"``, ``"none_fits"``, ``"no_signal"`` or ``"plan"``),
    ``decision`` (one sentence), ``why`` (the pick's one-line summary), ``pick`` and
    ``alternative`` (``{"approach", "label", "option_label", "monthly_usd", "low_usd",
    "high_usd"}`` or None), ``pick_is_cheapest``, ``cost_note`` (why there is no figure),
    ``risks`` (``[{"text", "kind"}]``, at most three) and ``next_step`` (``{"title",
    "text"}`` or None).
    """
    if not outcome:
        return None
    if outcome.get("kind") == "plan":
        return _plan_summary(outcome)
    summary: dict[str, Any] = {
        "state": "pick",
        "decision": "",
        "why": "",
        "pick": None,
        "alternative": None,
        "pick_is_cheapest": False,
        "cost_note": "",
        "risks": [],
        "next_step": None,
    }
    if outcome.get("no_signal"):
        return summary | {
            "state": "no_signal",
            "decision": NO_SIGNAL_DECISION,
            "why": outcome.get("message") or "",
            "next_step": {"title": "Next step", "text": NO_SIGNAL_NEXT},
        }
    top = outcome.get("top")
    if not top:
        return summary | {
            "state": "none_fits",
            "decision": NONE_FITS_DECISION,
            "risks": _risks(outcome, []),
            "next_step": {"title": "Next step", "text": NONE_FITS_NEXT},
        }
    labels = {row["approach"]: row["label"] for row in outcome.get("ranking") or []}
    costs = outcome.get("costs") or None
    summary |= {
        "decision": _decision(outcome, top),
        "why": top.get("summary") or "",
        "risks": _risks(outcome, top.get("risks") or [], top.get("key")),
        "next_step": _next_step(outcome.get("next_steps") or []),
    }
    if costs is None:
        return summary | {"cost_note": NO_VOLUME_NOTE}
    pick = _priced(costs, top["key"], labels)
    cheapest_other = min(
        (
            row
            for row in costs.get("approaches") or []
            if row.get("allowed") and row["approach"] != top["key"]
        ),
        key=lambda row: row["monthly_usd"],
        default=None,
    )
    return summary | {
        "pick": pick,
        "alternative": (
            _priced(costs, cheapest_other["approach"], labels) if cheapest_other else None
        ),
        "pick_is_cheapest": pick is not None and costs.get("cheapest_allowed") == top["key"],
    }


def lower_first(text: str) -> str:
    """``text`` to go mid-sentence: its first letter lowered unless the first word is an
    acronym or a name in capitals ("Open model via an API host" -> "open model via an API
    host"; "GPT-5 mini" stays). Lowering the whole text would write "api host"."""
    first = text.split(" ", 1)[0]
    if not first or (len(first) > 1 and first[1:2].isupper()) or any(c.isdigit() for c in first):
        return text
    return text[0].lower() + text[1:]


def _decision(outcome: Mapping[str, Any], top: Mapping[str, Any]) -> str:
    label = top["label"]
    plan = outcome.get("plan") or {}
    parts = [p for p in plan.get("parts") or [] if p.get("approach_label")]
    if parts:
        routes = "; ".join(f"{lower_first(p['name'])} to {p['approach_label']}" for p in parts)
        sentence = f"We recommend {label}: route {routes}"
    else:
        sentence = f"We recommend {label}"
    runner_up = outcome.get("runner_up") or {}
    if outcome.get("tie") and runner_up:
        return f"{sentence}, tied with {runner_up['label']}: the reasons decide."
    if outcome.get("close_call") and runner_up:
        return f"{sentence}, narrowly ahead of {runner_up['label']}."
    return f"{sentence}."


def _priced(
    costs: Mapping[str, Any], approach: str, labels: Mapping[str, str]
) -> dict[str, Any] | None:
    """An approach's monthly cost with the range its sensitivity analysis gives."""
    row = next(
        (r for r in costs.get("approaches") or [] if r["approach"] == approach and r["allowed"]),
        None,
    )
    if row is None:
        return None
    figures = [row["monthly_usd"]]
    for entry in (costs.get("analysis") or {}).get("sensitivity") or []:
        if entry.get("approach") == approach:
            for moved in entry.get("inputs") or []:
                figures += [
                    moved[side]
                    for side in ("low_usd", "high_usd")
                    if isinstance(moved.get(side), int | float)
                ]
    low, high = min(figures), max(figures)
    return {
        "approach": approach,
        "label": labels.get(approach, approach),
        "option_label": row.get("option_label") or "",
        "monthly_usd": row["monthly_usd"],
        "low_usd": low if low != high else None,
        "high_usd": high if low != high else None,
    }


def _text(item: Any) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping):
        for key in ("summary", "text", "title", "label", "name"):
            if isinstance(item.get(key), str) and item[key]:
                return str(item[key])
    return ""


def _obligation(item: Any, top: str | None) -> str:
    """A law that applies, as a board reads it: its title, and what it asks of the pick."""
    if not isinstance(item, Mapping):
        return _text(item)
    title = str(item.get("title") or "")
    condition = str((item.get("conditions") or {}).get(top or "", "") or "")
    detail = condition or str(item.get("summary") or "")
    if not title:
        return detail
    return f"{title}: {detail}" if detail else title


EFFECT_ORDER = {"blocked": 0, "conditional": 1}


def _binds(obligation: Any, top: str | None) -> bool:
    """An obligation is a risk of the pick when it blocks it or sets it a condition; one the
    pick meets as it is (the provider's duty, say) is not."""
    if not isinstance(obligation, Mapping):
        return True
    effect = (obligation.get("effect") or {}).get(top or "")
    return effect is None or effect in EFFECT_ORDER


def _weight(obligation: Any, top: str | None) -> tuple[int, bool, bool]:
    """Blocking before conditions; law in force and in effect before proposals and dates
    still to come."""
    if not isinstance(obligation, Mapping):
        return (1, False, False)
    effect = (obligation.get("effect") or {}).get(top or "")
    return (
        EFFECT_ORDER.get(str(effect), 1),
        obligation.get("status", "in_force") != "in_force",
        not obligation.get("in_effect", True),
    )


def _risks(
    outcome: Mapping[str, Any], own: Sequence[Any], top: str | None = None
) -> list[dict[str, str]]:
    """Caveats and obligations first, taken in turns (they are about these answers; laws in
    effect before proposals), then the pick's own risks."""
    caveats = [_text(item) for item in outcome.get("caveats") or []]
    obligations = sorted(
        (o for o in outcome.get("obligations") or [] if _binds(o, top)),
        key=lambda o: _weight(o, top),
    )
    laws = [_obligation(item, top) for item in obligations]
    taken_in_turns: list[tuple[str, str]] = []
    for index in range(max(len(caveats), len(laws))):
        if index < len(caveats):
            taken_in_turns.append(("caveat", caveats[index]))
        if index < len(laws):
            taken_in_turns.append(("obligation", laws[index]))
    found: list[dict[str, str]] = []
    for kind, text in [*taken_in_turns, *(("risk", _text(item)) for item in own)]:
        if text and all(text != r["text"] for r in found):
            found.append({"text": text, "kind": kind})
    return found[:MAX_RISKS]


def _next_step(paths: Sequence[Mapping[str, Any]]) -> dict[str, str] | None:
    if not paths:
        return None
    first = paths[0]
    steps = first.get("steps") or []
    text = steps[0] if steps else first.get("description") or ""
    return {"title": first.get("title") or "", "text": text}


def _plan_summary(plan: Mapping[str, Any]) -> dict[str, Any]:
    workloads = plan.get("workloads") or []
    routes = "; ".join(f"{w['name']} to {w['approach_label']}" for w in workloads)
    count = len(workloads)
    decision = (
        f"Route {count} workload{'s' if count != 1 else ''}"
        f"{' to different kinds of model' if plan.get('hybrid') else ''}: {routes}."
    )
    risks = [
        {"text": f"“{w['name']}” is a close call: read both options first.", "kind": "risk"}
        for w in workloads
        if w.get("close_call")
    ]
    risks += [
        {
            "text": f"For “{w['name']}”, {w['alternative']['option_label']} would cost less "
            f"(${w['alternative']['monthly_usd']:,.2f} a month); the plan keeps the engine's "
            "choice for its reasons.",
            "kind": "risk",
        }
        for w in workloads
        if w.get("alternative") and not w["alternative"].get("cheaper")
    ]
    total = plan.get("total_monthly_usd")
    return {
        "state": "plan",
        "decision": decision,
        "why": "",
        "pick": (
            {
                "approach": "plan",
                "label": "The whole plan",
                "option_label": "",
                "monthly_usd": total,
                "low_usd": None,
                "high_usd": None,
            }
            if total
            else None
        ),
        "alternative": None,
        "pick_is_cheapest": False,
        "cost_note": "" if plan.get("total_complete") else NO_VOLUME_NOTE,
        "risks": risks[:MAX_RISKS],
        "next_step": {
            "title": "Next step",
            "text": "Give the routing policy to whoever configures your automation tool, and "
            "review it when prices or models change.",
        },
    }
