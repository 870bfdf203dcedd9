"""What changed between two saved results (a report and its re-run)."""

from __future__ import annotations

from typing import Any

from advisor.advice.shortlist import price_changes


def compare_snapshots(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Top pick, per-approach scores and reasons that differ between two snapshots."""
    if old.get("kind") == "plan" or new.get("kind") == "plan":
        return compare_plans(old, new)
    old_ranked = {r["approach"]: r for r in old.get("ranking", [])}
    new_ranked = {r["approach"]: r for r in new.get("ranking", [])}
    scores = []
    for key, entry in new_ranked.items():
        before = old_ranked.get(key)
        old_score = before["score"] if before else None
        if old_score != entry["score"] or (before and before["excluded"] != entry["excluded"]):
            scores.append(
                {
                    "label": entry["label"],
                    "old": old_score,
                    "new": entry["score"],
                    "old_excluded": before["excluded"] if before else None,
                    "new_excluded": entry["excluded"],
                }
            )
    old_reasons = _reasons(old)
    new_reasons = _reasons(new)
    old_top, new_top = old.get("top"), new.get("top")
    old_obligations = {o["key"]: o for o in old.get("obligations", [])}
    new_obligations = {o["key"]: o for o in new.get("obligations", [])}
    return {
        "top_changed": (old_top or {}).get("key") != (new_top or {}).get("key"),
        "old_top": (old_top or {}).get("label"),
        "new_top": (new_top or {}).get("label"),
        "scores": scores,
        "added_reasons": sorted(new_reasons - old_reasons),
        "removed_reasons": sorted(old_reasons - new_reasons),
        # Obligations that now apply or no longer do, and those whose terms were edited.
        "added_obligations": [
            o["title"] for key, o in new_obligations.items() if key not in old_obligations
        ],
        "removed_obligations": [
            o["title"] for key, o in old_obligations.items() if key not in new_obligations
        ],
        "changed_obligations": [
            o["title"]
            for key, o in new_obligations.items()
            if key in old_obligations and _terms(old_obligations[key]) != _terms(o)
        ],
        "old_version": old.get("ruleset_version"),
        "new_version": new.get("ruleset_version"),
        "prices": price_changes(old.get("shortlist") or [], new.get("shortlist") or []),
    }


def _terms(obligation: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        obligation.get(field)
        for field in ("status", "applies_from", "summary", "effect", "conditions", "url")
    )


def _reasons(snapshot: dict[str, Any]) -> set[tuple[str, str, Any]]:
    return {
        (entry["label"], reason["text"], reason["points"])
        for entry in snapshot.get("ranking", [])
        for reason in entry["reasons"]
    }


def compare_plans(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Which workloads are routed differently, and the combined cost before and after."""
    before = {row["name"]: row["approach_label"] for row in old.get("workloads", [])}
    routes = [
        {"name": row["name"], "old": before.get(row["name"]), "new": row["approach_label"]}
        for row in new.get("workloads", [])
        if before.get(row["name"]) != row["approach_label"]
    ]
    return {
        "plan": True,
        "routes": routes,
        "old_total": old.get("total_monthly_usd"),
        "new_total": new.get("total_monthly_usd"),
        "old_version": old.get("ruleset_version"),
        "new_version": new.get("ruleset_version"),
    }
