"""How often each approach is the top pick over every full answer set (432 of them).

Not a speed benchmark: a check of the shipped knowledge as a whole (is the enterprise tier
ever picked when uptime is mission-critical? is hybrid reachable for mixed tasks?). Volumes
are 300, 20,000 and 200,000 requests a day; uptime is asked in production only.

    DJANGO_DEBUG=1 .venv/bin/python bench/top_pick_frequency.py
"""

from __future__ import annotations

import collections
import datetime
import itertools
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")

import django

django.setup()

from advisor.advice import pricing  # noqa: E402
from advisor.advice.result import rank  # noqa: E402
from advisor.knowledge.ruleset import current_knowledge  # noqa: E402

STAGES = [("prototype", None), ("production", "tolerant"), ("production", "mission_critical")]


def main() -> None:
    knowledge = current_knowledge()
    assumptions = pricing.default_assumptions(knowledge.prices)
    today = datetime.date.today()
    everything: collections.Counter[str | None] = collections.Counter()
    mixed: collections.Counter[str | None] = collections.Counter()
    mission_critical: collections.Counter[str | None] = collections.Counter()
    for sensitivity, volume, team, customisation, frontier, mix, (
        stage,
        uptime,
    ) in itertools.product(
        ["regulated", "sensitive", "non_sensitive"],
        [300, 20_000, 200_000],
        ["no_ml_team", "ml_team"],
        ["standard", "domain_specific"],
        ["needed", "not_needed"],
        ["single_task", "mixed_tasks"],
        STAGES,
    ):
        answers = {
            "data_sensitivity": sensitivity,
            "requests_per_day": volume,
            "team_capacity": team,
            "customization": customisation,
            "frontier_capability": frontier,
            "workload_mix": mix,
            "stage": stage,
        }
        if uptime:
            answers["uptime"] = uptime
        top = rank(knowledge, answers, assumptions, today)[0].top
        everything[top] += 1
        if mix == "mixed_tasks":
            mixed[top] += 1
        if uptime == "mission_critical":
            mission_critical[top] += 1
    for title, counter in (
        ("all answer sets", everything),
        ("mixed tasks", mixed),
        ("mission-critical uptime", mission_critical),
    ):
        total = sum(counter.values())
        picks = ", ".join(f"{key} {count}" for key, count in counter.most_common())
        print(f"{title} ({total}): {picks}")


if __name__ == "__main__":
    main()
