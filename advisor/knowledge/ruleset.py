"""Database rows -> an immutable snapshot of the knowledge, cached by ruleset version.

Each request asks the database for the current version (one small query). The snapshot for
that version is then taken from this process's memory, or from the shared cache (Redis in
production), or built from the database in three queries. An edit in the admin bumps the
version, so every worker uses the new knowledge on its next request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

from advisor.engine import (
    Approach,
    Condition,
    CostRule,
    Dimension,
    Option,
    Question,
    Rule,
    Ruleset,
)
from advisor.knowledge import pricebook, regulation
from advisor.knowledge.models import AccessPath, PlanPreset, Preset, RulesetState
from advisor.knowledge.models import Approach as ApproachRow
from advisor.knowledge.models import CostRule as CostRuleRow
from advisor.knowledge.models import Question as QuestionRow
from advisor.knowledge.models import Rule as RuleRow

CACHE_TIMEOUT = 24 * 60 * 60


@dataclass(frozen=True, slots=True)
class OptionInfo:
    key: str
    label: str
    help_text: str


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    key: str
    prompt: str
    help_text: str
    kind: str
    unit: str
    min_value: int | None
    max_value: int | None
    options: tuple[OptionInfo, ...]
    show_if_question: str | None
    show_if_options: tuple[str, ...]

    def option_label(self, key: object) -> str:
        for option in self.options:
            if option.key == key:
                return option.label
        return str(key)


@dataclass(frozen=True, slots=True)
class ApproachInfo:
    key: str
    label: str
    summary: str
    description: str
    strengths: tuple[str, ...]
    risks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DimensionInfo:
    key: str
    label: str
    description: str
    closed_view: str
    open_view: str
    ratings: dict[str, int]


@dataclass(frozen=True, slots=True)
class PresetInfo:
    slug: str
    label: str
    description: str
    expected: str | None
    answers: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AccessPathInfo:
    approach: str
    kind: str
    kind_label: str
    title: str
    description: str
    steps: tuple[str, ...]
    commands: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlanInfo:
    slug: str
    label: str
    description: str
    workloads: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Display content that the engine does not need: presets and access paths."""

    presets: tuple[PresetInfo, ...]
    access_paths: tuple[AccessPathInfo, ...]
    plans: tuple[PlanInfo, ...] = ()

    def plan(self, slug: str) -> PlanInfo | None:
        return next((plan for plan in self.plans if plan.slug == slug), None)

    def preset(self, slug: str) -> PresetInfo | None:
        return next((preset for preset in self.presets if preset.slug == slug), None)

    def paths_for(self, approach: str) -> tuple[AccessPathInfo, ...]:
        return tuple(path for path in self.access_paths if path.approach == approach)


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything the pages, the API and the engine read, for one ruleset version."""

    version: int
    questions: tuple[QuestionInfo, ...]
    approaches: tuple[ApproachInfo, ...]
    dimensions: tuple[DimensionInfo, ...]
    ruleset: Ruleset = field(repr=False)
    #: Rule id -> its key, for the rules that have one (caveats and notes the API names).
    rule_keys: dict[int, str] = field(default_factory=dict, repr=False)

    def question(self, key: str) -> QuestionInfo | None:
        return next((question for question in self.questions if question.key == key), None)

    def approach(self, key: str | None) -> ApproachInfo | None:
        return next((approach for approach in self.approaches if approach.key == key), None)

    @property
    def catalogue(self) -> Catalogue:
        return _memoised("catalogue", self.version, _build_catalogue)

    @property
    def prices(self) -> pricebook.PriceBook:
        return _memoised("prices", self.version, pricebook.build)

    @property
    def regulation(self) -> regulation.Regulation:
        return _memoised("regulation", self.version, regulation.build)


# --- loading -----------------------------------------------------------------------------

_memo: dict[str, tuple[int, Any]] = {}
_memo_lock = threading.Lock()


def _memoised(name: str, version: int, build: Callable[..., Any], *args: Any) -> Any:
    held = _memo.get(name)
    if held is not None and held[0] == version:
        return held[1]
    cache_key = f"knowledge:{name}:{version}"
    rows = cache.get(cache_key)
    if rows is None:
        rows = _ROW_LOADERS[name]()
        cache.set(cache_key, rows, CACHE_TIMEOUT)
    value = build(*args, rows)
    with _memo_lock:
        _memo[name] = (version, value)
    return value


def current_knowledge() -> Knowledge:
    """The knowledge for the current ruleset version (one query when the cache is warm)."""
    version, margin = RulesetState.current()
    return _memoised("core", version, _build_knowledge, version, margin)


def current_ruleset() -> Ruleset:
    return current_knowledge().ruleset


def clear_memo() -> None:
    """Forget this process's snapshots (tests; the version check makes it unnecessary else)."""
    with _memo_lock:
        _memo.clear()


def _load_core_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Four queries: questions with options, approaches with their ratings, rules with their
    conditions, cost rules."""
    questions = list(
        QuestionRow.objects.order_by("order", "key", "options__order", "options__key").values_list(
            "key",
            "prompt",
            "help_text",
            "kind",
            "unit",
            "min_value",
            "max_value",
            "show_if_question__key",
            "show_if_options__key",
            "options__key",
            "options__label",
            "options__help_text",
        )
    )
    approaches = list(
        ApproachRow.objects.order_by(
            "order", "key", "ratings__dimension__order", "ratings__dimension__key"
        ).values_list(
            "key",
            "label",
            "summary",
            "description",
            "strengths",
            "risks",
            "ratings__dimension__key",
            "ratings__dimension__label",
            "ratings__dimension__description",
            "ratings__dimension__closed_view",
            "ratings__dimension__open_view",
            "ratings__score",
        )
    )
    # From the rules (not the conditions), so a rule without conditions is kept: it always
    # applies. Its one row carries None in the condition columns.
    conditions = list(
        RuleRow.objects.filter(enabled=True)
        .order_by("order", "id", "conditions__id")
        .values_list(
            "id",
            "key",
            "effect",
            "approach__key",
            "points",
            "rationale",
            "conditions__question__key",
            "conditions__operator",
            "conditions__option__key",
            "conditions__threshold",
        )
    )
    cost_rules = list(
        CostRuleRow.objects.filter(enabled=True)
        .order_by("order", "id")
        .values_list("id", "kind", "factor", "points", "rationale")
    )
    return {
        "questions": questions,
        "approaches": approaches,
        "conditions": conditions,
        "cost_rules": cost_rules,
    }


def _build_knowledge(
    version: int, margin: float, rows: dict[str, list[tuple[Any, ...]]]
) -> Knowledge:
    questions: dict[str, dict[str, Any]] = {}
    for (
        key,
        prompt,
        help_text,
        kind,
        unit,
        low,
        high,
        show_q,
        show_opt,
        opt_key,
        opt_label,
        opt_help,
    ) in rows["questions"]:
        entry = questions.setdefault(
            key,
            {
                "prompt": prompt,
                "help_text": help_text,
                "kind": kind,
                "unit": unit,
                "min": low,
                "max": high,
                "show_q": show_q,
                "show_opts": {},
                "options": {},
            },
        )
        if show_opt is not None:
            entry["show_opts"][show_opt] = None
        if opt_key is not None:
            entry["options"].setdefault(opt_key, OptionInfo(opt_key, opt_label, opt_help))

    approaches: dict[str, ApproachInfo] = {}
    dimensions: dict[str, dict[str, Any]] = {}
    for (
        key,
        label,
        summary,
        desc,
        strengths,
        risks,
        d_key,
        d_label,
        d_desc,
        d_closed,
        d_open,
        score,
    ) in rows["approaches"]:
        if key not in approaches:
            approaches[key] = ApproachInfo(
                key, label, summary, desc, _lines(strengths), _lines(risks)
            )
        if d_key is not None:
            dimension = dimensions.setdefault(
                d_key,
                {
                    "label": d_label,
                    "description": d_desc,
                    "closed": d_closed,
                    "open": d_open,
                    "ratings": {},
                },
            )
            dimension["ratings"][key] = score

    rules: dict[int, dict[str, Any]] = {}
    rule_keys: dict[int, str] = {}
    for (
        rule_id,
        rule_key,
        effect,
        approach,
        points,
        rationale,
        q_key,
        operator,
        option,
        threshold,
    ) in rows["conditions"]:
        if rule_key:
            rule_keys[rule_id] = rule_key
        rule = rules.setdefault(
            rule_id,
            {
                "effect": effect,
                "approach": approach,
                "points": float(points),
                "rationale": rationale,
                "conditions": [],
            },
        )
        if q_key is None:
            continue  # a rule without conditions
        rule["conditions"].append(
            Condition(
                question=q_key,
                operator=operator,
                option=option,
                value=float(threshold) if threshold is not None else None,
            )
        )

    question_infos = tuple(
        QuestionInfo(
            key=key,
            prompt=q["prompt"],
            help_text=q["help_text"],
            kind=q["kind"],
            unit=q["unit"],
            min_value=q["min"],
            max_value=q["max"],
            options=tuple(q["options"].values()),
            show_if_question=q["show_q"],
            show_if_options=tuple(q["show_opts"]),
        )
        for key, q in questions.items()
    )
    approach_infos = tuple(approaches.values())
    dimension_infos = tuple(
        DimensionInfo(key, d["label"], d["description"], d["closed"], d["open"], d["ratings"])
        for key, d in dimensions.items()
    )
    ruleset = Ruleset(
        version=version,
        questions=tuple(
            Question(
                key=q.key,
                prompt=q.prompt,
                kind=q.kind,  # type: ignore[arg-type]
                options=tuple(Option(o.key, o.label) for o in q.options),
                min_value=q.min_value,
                max_value=q.max_value,
                show_if_question=q.show_if_question if q.show_if_options else None,
                show_if_options=frozenset(q.show_if_options),
            )
            for q in question_infos
        ),
        approaches=tuple(Approach(a.key, a.label) for a in approach_infos),
        rules=tuple(
            Rule(
                id=rule_id,
                effect=r["effect"],
                conditions=tuple(r["conditions"]),
                rationale=r["rationale"],
                approach=r["approach"],
                points=r["points"],
            )
            for rule_id, r in rules.items()
        ),
        dimensions=tuple(Dimension(d.key, d.label, d.ratings) for d in dimension_infos),
        close_call_margin=margin,
        cost_rules=tuple(
            CostRule(rule_id, kind, float(factor), float(points), rationale)
            for rule_id, kind, factor, points, rationale in rows.get("cost_rules", [])
        ),
    )
    return Knowledge(
        version, question_infos, approach_infos, dimension_infos, ruleset, rule_keys=rule_keys
    )


def _load_catalogue_rows() -> dict[str, list[tuple[Any, ...]]]:
    presets = list(
        Preset.objects.order_by("order", "slug").values_list(
            "slug", "label", "description", "expected__key", "answers"
        )
    )
    kinds = dict(AccessPath.Kind.choices)
    paths = [
        (*row[:2], kinds.get(row[1], row[1]), *row[2:])
        for row in AccessPath.objects.order_by("approach__order", "order", "id").values_list(
            "approach__key", "kind", "title", "description", "steps", "commands"
        )
    ]
    plans = list(
        PlanPreset.objects.order_by("order", "slug").values_list(
            "slug", "label", "description", "workloads"
        )
    )
    return {"presets": presets, "paths": paths, "plans": plans}


def _build_catalogue(rows: dict[str, list[tuple[Any, ...]]]) -> Catalogue:
    return Catalogue(
        presets=tuple(PresetInfo(*row) for row in rows["presets"]),
        access_paths=tuple(
            AccessPathInfo(
                approach, kind, kind_label, title, description, _lines(steps), _lines(commands)
            )
            for approach, kind, kind_label, title, description, steps, commands in rows["paths"]
        ),
        plans=tuple(PlanInfo(*row) for row in rows.get("plans", [])),
    )


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


_ROW_LOADERS: dict[str, Callable[[], Any]] = {
    "core": _load_core_rows,
    "catalogue": _load_catalogue_rows,
    "prices": pricebook.load_rows,
    "regulation": regulation.load_rows,
}

__all__ = [
    "AccessPathInfo",
    "ApproachInfo",
    "Catalogue",
    "DimensionInfo",
    "Knowledge",
    "OptionInfo",
    "PresetInfo",
    "QuestionInfo",
    "clear_memo",
    "current_knowledge",
    "current_ruleset",
]
