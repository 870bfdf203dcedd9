"""Move a whole ruleset in and out of the database as one JSON document.

The shipped knowledge base is such a document (``seed/knowledge.json``); the data migration,
``reset_knowledge`` and ``import_ruleset`` all load documents through ``load_document``.
Loading validates everything and runs in one transaction: on any error nothing changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F

from advisor import engine
from advisor.knowledge import contract, protection

FORMAT = "sourcing-advisor-ruleset"
FORMAT_VERSION = 1
SEED_PATH = Path(__file__).resolve().parent / "seed" / "knowledge.json"
SECTIONS = ("questions", "approaches", "dimensions", "rules", "presets", "access_paths")
PRICE_SECTIONS = (
    "offerings",
    "infrastructure",
    "plans",
    "gpu_prices",
    "task_profiles",
    "cost_rules",
)
PRICE_MODELS = ("Offering", "InfraProfile", "PlanPreset", "GpuPrice", "TaskProfile", "CostRule")
PRICE_SETTINGS = (
    "price_stale_after_days",
    "input_tokens",
    "output_tokens",
    "fine_tuning_one_off_usd",
    "hardware_amortisation_months",
    "enterprise_uplift_percent",
    "enterprise_minimum_monthly_usd",
    "hybrid_closed_share_percent",
)
INTEGER_SETTINGS = (
    "price_stale_after_days",
    "input_tokens",
    "output_tokens",
    "hardware_amortisation_months",
    "hybrid_closed_share_percent",
)
OFFERING_FIELDS = (
    "key",
    "label",
    "provider",
    "model",
    "openness",
    "access",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "as_of",
    "source",
    "is_default",
    "tier",
)
INFRA_FIELDS = (
    "key",
    "label",
    "deployment",
    "model_size",
    "gpu_type",
    "gpu_hourly_usd",
    "gpus_per_replica",
    "prefill_tokens_per_second",
    "decode_tokens_per_second",
    "throughput_source",
    "throughput_as_of",
    "utilisation",
    "ops_per_deployment_usd",
    "ops_per_replica_usd",
    "max_requests_per_day",
    "hardware_usd_per_replica",
    "as_of",
    "source",
    "is_default",
)
GPU_PRICE_FIELDS = ("gpu_type", "provider", "kind", "usd_per_gpu_hour", "offer", "as_of", "source")
TASK_PROFILE_FIELDS = ("key", "label", "description", "input_tokens", "output_tokens", "min_tier")
COST_RULE_FIELDS = ("name", "kind", "factor", "points", "rationale", "enabled")


class RulesetImportError(Exception):
    """The document cannot be loaded; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def read_seed() -> dict[str, Any]:
    return json.loads(SEED_PATH.read_text(encoding="utf-8"))


def load_seed(apps: Any = global_apps) -> None:
    """Replace the knowledge base with the shipped defaults."""
    load_document(read_seed(), apps=apps)


# --- export ------------------------------------------------------------------------------


def export_document(apps: Any = global_apps) -> dict[str, Any]:
    m = _models(apps)
    questions = []
    for q in m.Question.objects.order_by("order", "key").prefetch_related(
        "options", "show_if_options"
    ):
        item: dict[str, Any] = {
            "key": q.key,
            "prompt": q.prompt,
            "help_text": q.help_text,
            "kind": q.kind,
        }
        if q.kind == "number":
            item.update(min_value=q.min_value, max_value=q.max_value, unit=q.unit)
        if q.show_if_question_id:
            item["show_if"] = {
                "question": m.Question.objects.get(pk=q.show_if_question_id).key,
                "options": [o.key for o in q.show_if_options.order_by("order", "key")],
            }
        item["options"] = [
            {"key": o.key, "label": o.label, "help_text": o.help_text}
            for o in q.options.order_by("order", "key")
        ]
        questions.append(item)
    state = m.RulesetState.objects.first()
    settings: dict[str, Any] = {
        "close_call_margin": _number(state.close_call_margin) if state else 5
    }
    if state is not None and m.Offering is not None:
        settings.update({name: _plain(getattr(state, name)) for name in PRICE_SETTINGS})
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "settings": settings,
        "offerings": [
            {name: _plain(getattr(o, name)) for name in OFFERING_FIELDS}
            for o in (m.Offering.objects.order_by("order", "key") if m.Offering else [])
        ],
        "infrastructure": [
            {name: _plain(getattr(p, name)) for name in INFRA_FIELDS}
            for p in (m.InfraProfile.objects.order_by("order", "key") if m.InfraProfile else [])
        ],
        "plans": [
            {
                "slug": p.slug,
                "label": p.label,
                "description": p.description,
                "workloads": p.workloads,
            }
            for p in (m.PlanPreset.objects.order_by("order", "slug") if m.PlanPreset else [])
        ],
        "gpu_prices": [
            {name: _plain(getattr(g, name)) for name in GPU_PRICE_FIELDS}
            for g in (m.GpuPrice.objects.order_by("order", "id") if m.GpuPrice else [])
        ],
        "task_profiles": [
            {name: _plain(getattr(t, name)) for name in TASK_PROFILE_FIELDS}
            for t in (m.TaskProfile.objects.order_by("order", "key") if m.TaskProfile else [])
        ],
        "cost_rules": [
            {
                name: _number(getattr(c, name))
                if name in {"factor", "points"}
                else getattr(c, name)
                for name in COST_RULE_FIELDS
            }
            for c in (m.CostRule.objects.order_by("order", "id") if m.CostRule else [])
        ],
        "questions": questions,
        "approaches": [
            {
                "key": a.key,
                "label": a.label,
                "summary": a.summary,
                "description": a.description,
                "strengths": _split(a.strengths),
                "risks": _split(a.risks),
            }
            for a in m.Approach.objects.order_by("order", "key")
        ],
        "dimensions": [
            {
                "key": d.key,
                "label": d.label,
                "description": d.description,
                "closed_view": d.closed_view,
                "open_view": d.open_view,
                "ratings": {
                    r.approach.key: r.score
                    for r in d.ratings.select_related("approach").order_by("approach__order")
                },
            }
            for d in m.Dimension.objects.order_by("order", "key")
        ],
        "rules": [
            {
                "name": r.name,
                "key": r.key,
                "effect": r.effect,
                "approach": r.approach.key if r.approach_id else None,
                "points": _number(r.points),
                "rationale": r.rationale,
                "source": r.source,
                "enabled": r.enabled,
                "conditions": [
                    _condition(c) for c in r.conditions.select_related("question", "option")
                ],
            }
            for r in m.Rule.objects.select_related("approach").order_by("order", "id")
        ],
        "presets": [
            {
                "slug": p.slug,
                "label": p.label,
                "description": p.description,
                "expected": p.expected.key if p.expected_id else None,
                "answers": p.answers,
            }
            for p in m.Preset.objects.select_related("expected").order_by("order", "slug")
        ],
        "access_paths": [
            {
                "approach": p.approach.key,
                "kind": p.kind,
                "title": p.title,
                "description": p.description,
                "steps": _split(p.steps),
                "commands": _split(p.commands),
            }
            for p in m.AccessPath.objects.select_related("approach").order_by(
                "approach__order", "order", "id"
            )
        ],
    }


def _condition(c: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"question": c.question.key, "operator": c.operator}
    if c.option_id:
        data["option"] = c.option.key
    else:
        data["threshold"] = c.threshold
    return data


# --- import ------------------------------------------------------------------------------


# What a document of the wrong shape raises on its way in (a list where an object was
# expected, a number where text was): reported as a problem, never as a traceback.
MALFORMED = (
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    InvalidOperation,
    OverflowError,
    DatabaseError,
)


def load_document(document: Any, apps: Any = global_apps) -> None:
    """Validate ``document`` and replace the knowledge base with it, or change nothing.

    Every problem ends in ``RulesetImportError`` (the command says "Nothing was changed"):
    the checks below, the keys the code reads (``contract.py``) and the obligations'
    triggers name, the models' own validation (``full_clean``) of every row and of the
    settings, and whatever else a malformed document makes fail on the way in.
    """
    try:
        problems = check_document(document) or _obligation_problems(document, apps)
    except MALFORMED as error:
        problems = [_malformed(error)]
    if problems:
        raise RulesetImportError(problems)
    from advisor.knowledge.signals import versioning_suspended

    try:
        with transaction.atomic(), versioning_suspended(), protection.replacing():
            _replace(document, _models(apps))
    except MALFORMED as error:  # rolled back by the atomic block
        raise RulesetImportError([_malformed(error)]) from error


def _malformed(error: BaseException) -> str:
    kinds: dict[type[BaseException], str] = {KeyError: "missing field", IndexError: "missing entry"}
    kind = kinds.get(type(error))
    detail = f"{kind} {error}" if kind else str(error) or type(error).__name__
    return f"Malformed document: {detail}"


def check_document(document: Any) -> list[str]:
    """Every structural and logical problem in ``document`` (empty when it can be loaded)."""
    if not isinstance(document, dict):
        return ["The document must be a JSON object."]
    problems = _shape_problems(document)
    if problems:
        return problems
    problems.extend(_price_problems(document))
    try:
        missing = _contract_problems(document)
        ruleset = _engine_ruleset(document)
    except engine.RulesetError as error:
        return [*missing, *(f"Rules: {problem}" for problem in error.problems)]
    except (KeyError, TypeError, ValueError, InvalidOperation) as error:
        return [f"Malformed entry: {error!r}"]
    problems.extend(missing)
    problems.extend(_rating_problems(document))
    problems.extend(_preset_problems(document, ruleset))
    problems.extend(_plan_problems(document, ruleset))
    approach_keys = {a["key"] for a in document["approaches"]}
    problems.extend(
        f"Access path {path.get('title')!r}: unknown approach"
        for path in document["access_paths"]
        if path.get("approach") not in approach_keys
    )
    return problems


def _is_list_of_objects(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _shape_problems(document: dict[str, Any]) -> list[str]:
    """The format, the sections' types, the settings' whole numbers, the rules' conditions."""
    problems: list[str] = []
    if document.get("format") != FORMAT:
        problems.append(f"'format' must be {FORMAT!r}.")
    if document.get("format_version") != FORMAT_VERSION:
        problems.append(f"'format_version' must be {FORMAT_VERSION}.")
    problems.extend(
        f"'{section}' must be a list of objects."
        for section in SECTIONS
        if not _is_list_of_objects(document.get(section))
    )
    problems.extend(
        f"'{section}' must be a list of objects."
        for section in PRICE_SECTIONS
        if not _is_list_of_objects(document.get(section, []))
    )
    settings = document.get("settings", {})
    if not isinstance(settings, dict):
        problems.append("'settings' must be an object.")
    else:
        problems.extend(
            f"Settings, {name}: must be a whole number."
            for name in INTEGER_SETTINGS
            if name in settings
            and (not isinstance(settings[name], int) or isinstance(settings[name], bool))
        )
    # A rule without conditions always applies; a malformed list is refused.
    problems.extend(
        f"Rule {number} ({rule.get('name', '')!r}): 'conditions' must be a list."
        for number, rule in enumerate(document.get("rules") or [], start=1)
        if isinstance(rule, dict) and not isinstance(rule.get("conditions", []), list)
    )
    return problems


def _contract_problems(document: dict[str, Any]) -> list[str]:
    """The keys the code reads (``contract.py``) that the document lacks."""
    questions = {q["key"]: q["kind"] for q in document["questions"]}
    options = {(q["key"], o["key"]) for q in document["questions"] for o in q.get("options", [])}
    approaches = [a["key"] for a in document["approaches"]]
    return [
        f"{breach.message.replace('The knowledge has', 'The document has')} "
        f"{contract.readers(breach.entry)} read it by its key ({breach.entry.meaning})."
        for breach in contract.breaches(questions, options, approaches)
    ]


def _obligation_problems(document: dict[str, Any], apps: Any) -> list[str]:
    """The questions and answers that obligations' triggers name (they stay when a ruleset
    is imported) must still be in the document, as their rules' questions are."""
    try:
        trigger = apps.get_model("knowledge", "ObligationTrigger")
    except LookupError:  # an early migration state, before regulation existed
        return []
    options = {(q["key"], o["key"]) for q in document["questions"] for o in q.get("options", [])}
    questions = {question for question, _ in options}
    named: dict[tuple[str, str], list[str]] = {}
    for question, option, title in trigger.objects.order_by("obligation__order", "id").values_list(
        "question", "option", "obligation__title"
    ):
        if (question, option) not in options:
            titles = named.setdefault((question, option), [])
            if title not in titles:
                titles.append(title)
    return [
        (
            f"The document has no question {question!r}"
            if question not in questions
            else f"The document has no answer {option!r} of the question {question!r}"
        )
        + f": the triggers of these obligations name it: {', '.join(map(repr, titles))}."
        for (question, option), titles in named.items()
    ]


def _rating_problems(document: dict[str, Any]) -> list[str]:
    approach_keys = {a["key"] for a in document["approaches"]}
    problems: list[str] = []
    for dimension in document["dimensions"]:
        missing = approach_keys - set(dimension.get("ratings", {}))
        if missing:
            problems.append(
                f"Dimension {dimension.get('key')!r} lacks ratings for {sorted(missing)}"
            )
    return problems


def _preset_problems(document: dict[str, Any], ruleset: engine.Ruleset) -> list[str]:
    approach_keys = {a["key"] for a in document["approaches"]}
    problems: list[str] = []
    for preset in document["presets"]:
        errors = engine.validate_answers(ruleset, preset.get("answers", {}))
        for field, messages in errors.items():
            problems.extend(f"Preset {preset.get('slug')!r}, {field}: {m}" for m in messages)
        if preset.get("expected") not in approach_keys | {None}:
            problems.append(
                f"Preset {preset.get('slug')!r}: unknown approach {preset['expected']!r}"
            )
    return problems


def _plan_problems(document: dict[str, Any], ruleset: engine.Ruleset) -> list[str]:
    offering_keys = {o.get("key") for o in document.get("offerings", [])}
    problems: list[str] = []
    for plan in document.get("plans", []):
        workloads = plan.get("workloads")
        if not isinstance(workloads, list) or not workloads:
            problems.append(f"Plan {plan.get('slug')!r}: 'workloads' must be a non-empty list.")
            continue
        for workload in workloads:
            problems.extend(_workload_problems(plan.get("slug"), workload, ruleset, offering_keys))
    return problems


def _workload_problems(
    slug: Any, workload: Any, ruleset: engine.Ruleset, offering_keys: set[Any]
) -> list[str]:
    name = workload.get("name") if isinstance(workload, dict) else None
    if not name:
        return [f"Plan {slug!r}: every workload needs a name."]
    problems = [
        f"Plan {slug!r}, {name}, {field}: {m}"
        for field, messages in engine.validate_answers(ruleset, workload.get("answers", {})).items()
        for m in messages
    ]
    alternative = workload.get("alternative")
    if alternative is not None and alternative not in offering_keys:
        problems.append(f"Plan {slug!r}, {name}: unknown offering {alternative!r}")
    return problems


def _price_problems(document: dict[str, Any]) -> list[str]:
    """Each priced model and profile must make sense to the cost calculator."""
    from advisor.knowledge import pricebook

    problems = []
    for item in document.get("offerings", []):
        try:
            pricebook.offering_from(item)
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            problems.append(f"Offering {item.get('key')!r}: {error}")
    for item in document.get("infrastructure", []):
        try:
            pricebook.profile_from(item)
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            problems.append(f"Self-hosting profile {item.get('key')!r}: {error}")
    for item in document.get("gpu_prices", []):
        try:
            pricebook.gpu_price_from(item)
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            problems.append(
                f"GPU price {item.get('gpu_type')!r} at {item.get('provider')!r}: {error}"
            )
    for item in document.get("task_profiles", []):
        try:
            pricebook.task_profile_from(item)
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            problems.append(f"Task profile {item.get('key')!r}: {error}")
    return problems


def _engine_ruleset(document: dict[str, Any]) -> engine.Ruleset:
    """Build the engine snapshot from the document: this checks every rule's logic."""
    return engine.Ruleset(
        version=0,
        questions=tuple(
            engine.Question(
                key=q["key"],
                prompt=q["prompt"],
                kind=q["kind"],
                options=tuple(engine.Option(o["key"], o["label"]) for o in q.get("options", [])),
                min_value=q.get("min_value"),
                max_value=q.get("max_value"),
                show_if_question=(q.get("show_if") or {}).get("question"),
                show_if_options=frozenset((q.get("show_if") or {}).get("options", [])),
            )
            for q in document["questions"]
        ),
        approaches=tuple(engine.Approach(a["key"], a["label"]) for a in document["approaches"]),
        rules=tuple(
            engine.Rule(
                id=index,
                effect=r["effect"],
                conditions=tuple(
                    engine.Condition(
                        question=c["question"],
                        operator=c["operator"],
                        option=c.get("option"),
                        value=c.get("threshold"),
                    )
                    for c in r.get("conditions", [])
                ),
                rationale=r["rationale"],
                approach=r.get("approach"),
                points=float(Decimal(str(r.get("points", 0)))),
            )
            for index, r in enumerate(document["rules"], start=1)
        ),
        dimensions=tuple(
            engine.Dimension(d["key"], d["label"], d["ratings"]) for d in document["dimensions"]
        ),
        close_call_margin=float(document.get("settings", {}).get("close_call_margin", 5)),
        cost_rules=tuple(
            engine.CostRule(
                id=index,
                kind=c["kind"],
                factor=float(Decimal(str(c.get("factor", 1)))),
                points=float(Decimal(str(c["points"]))),
                rationale=c["rationale"],
            )
            for index, c in enumerate(document.get("cost_rules", []), start=1)
            if c.get("enabled", True)
        ),
    )


def _replace(document: dict[str, Any], m: Any) -> None:
    for model in (
        m.Preset,
        m.AccessPath,
        m.RuleCondition,
        m.Rule,
        m.DimensionRating,
        m.Dimension,
        m.Option,
        m.Question,
        m.Approach,
    ):
        model.objects.all().delete()
    save = _saver()
    approaches = _replace_approaches(document, m, save)
    questions = _replace_questions(document, m, save)
    _replace_dimensions(document, m, save, approaches)
    _replace_rules(document, m, save, approaches, questions)
    _replace_presets_and_paths(document, m, save, approaches)
    _replace_price_book(document, m, save)
    settings = document.get("settings", {})
    names = ["close_call_margin", *(PRICE_SETTINGS if m.Offering is not None else ())]
    changes = {"close_call_margin": settings.get("close_call_margin", 5)}
    changes.update({name: settings[name] for name in names if name in settings})
    _save_settings(m, changes, save)


def _saver() -> Callable[[Any, str], Any]:
    """``save(instance, label)``: validate through the model, then save; the first row the
    model refuses ends the import with its messages."""
    problems: list[str] = []

    def save(instance: Any, label: str) -> Any:
        try:
            instance.full_clean(validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                problems.extend(f"{label}, {field}: {message}" for message in messages)
            raise RulesetImportError(problems) from error
        instance.save()
        return instance

    return save


def _replace_approaches(document: dict[str, Any], m: Any, save: Any) -> dict[str, Any]:
    return {
        a["key"]: save(
            m.Approach(
                key=a["key"],
                label=a["label"],
                summary=a.get("summary", ""),
                description=a.get("description", ""),
                strengths="\n".join(a.get("strengths", [])),
                risks="\n".join(a.get("risks", [])),
                order=order * 10,
            ),
            f"Approach {a['key']!r}",
        )
        for order, a in enumerate(document["approaches"])
    }


def _replace_questions(
    document: dict[str, Any], m: Any, save: Any
) -> tuple[dict[str, Any], dict[tuple[str, str], Any]]:
    questions: dict[str, Any] = {}
    options: dict[tuple[str, str], Any] = {}
    for order, q in enumerate(document["questions"]):
        show_if = q.get("show_if") or {}
        question = save(
            m.Question(
                key=q["key"],
                prompt=q["prompt"],
                help_text=q.get("help_text", ""),
                kind=q["kind"],
                order=(order + 1) * 10,
                min_value=q.get("min_value"),
                max_value=q.get("max_value"),
                unit=q.get("unit", ""),
                show_if_question=questions.get(show_if.get("question") or ""),
            ),
            f"Question {q['key']!r}",
        )
        questions[q["key"]] = question
        for o_order, o in enumerate(q.get("options", [])):
            options[q["key"], o["key"]] = save(
                m.Option(
                    question=question,
                    key=o["key"],
                    label=o["label"],
                    help_text=o.get("help_text", ""),
                    order=o_order * 10,
                ),
                f"Question {q['key']!r}, option {o['key']!r}",
            )
        if show_if.get("options"):
            question.show_if_options.set(
                [options[show_if["question"], key] for key in show_if["options"]]
            )
    return questions, options


def _replace_dimensions(
    document: dict[str, Any], m: Any, save: Any, approaches: dict[str, Any]
) -> None:
    for order, d in enumerate(document["dimensions"]):
        dimension = save(
            m.Dimension(
                key=d["key"],
                label=d["label"],
                description=d.get("description", ""),
                closed_view=d.get("closed_view", ""),
                open_view=d.get("open_view", ""),
                order=order * 10,
            ),
            f"Dimension {d['key']!r}",
        )
        m.DimensionRating.objects.bulk_create(
            m.DimensionRating(dimension=dimension, approach=approaches[key], score=score)
            for key, score in d["ratings"].items()
        )


def _replace_rules(
    document: dict[str, Any],
    m: Any,
    save: Any,
    approaches: dict[str, Any],
    questions: tuple[dict[str, Any], dict[tuple[str, str], Any]],
) -> None:
    """The rules and their conditions; ``questions`` is what ``_replace_questions`` saved:
    (key -> question, (question key, option key) -> option)."""
    by_key, options = questions
    for order, r in enumerate(document["rules"]):
        rule = save(
            m.Rule(
                name=r.get("name") or r["rationale"][:120],
                key=r.get("key", ""),
                effect=r["effect"],
                approach=approaches.get(r.get("approach")),
                points=Decimal(str(r.get("points", 0))),
                rationale=r["rationale"],
                source=r.get("source", ""),
                enabled=r.get("enabled", True),
                order=order * 10,
            ),
            f"Rule {order + 1}",
        )
        for c in r.get("conditions", []):
            save(
                m.RuleCondition(
                    rule=rule,
                    question=by_key[c["question"]],
                    operator=c["operator"],
                    option=options.get((c["question"], c.get("option"))),
                    threshold=c.get("threshold"),
                ),
                f"Rule {order + 1}, condition on {c['question']!r}",
            )


def _replace_presets_and_paths(
    document: dict[str, Any], m: Any, save: Any, approaches: dict[str, Any]
) -> None:
    for order, p in enumerate(document["presets"]):
        save(
            m.Preset(
                slug=p["slug"],
                label=p["label"],
                description=p.get("description", ""),
                expected=approaches.get(p.get("expected")),
                answers=p.get("answers", {}),
                order=order * 10,
            ),
            f"Preset {p['slug']!r}",
        )
    for order, p in enumerate(document["access_paths"]):
        save(
            m.AccessPath(
                approach=approaches[p["approach"]],
                kind=p["kind"],
                title=p["title"],
                description=p.get("description", ""),
                steps="\n".join(p.get("steps", [])),
                commands="\n".join(p.get("commands", [])),
                order=order * 10,
            ),
            f"Access path {p['title']!r}",
        )


def _save_settings(m: Any, changes: dict[str, Any], save: Any) -> None:
    """Validate the settings through the model (its field limits and validators), then
    write them with the version bump in one UPDATE, never touching the version otherwise."""
    state, _ = m.RulesetState.objects.get_or_create(pk=1)
    for name, value in changes.items():
        setattr(state, name, value)
    try:
        state.full_clean(exclude=["version"], validate_constraints=False)
    except ValidationError as error:
        raise RulesetImportError(
            [
                f"Settings, {field}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        ) from error
    cleaned = {name: getattr(state, name) for name in changes}
    m.RulesetState.objects.filter(pk=1).update(version=F("version") + 1, **cleaned)


def _replace_price_book(document: dict[str, Any], m: Any, save: Any) -> None:
    if m.Offering is None:
        return
    # Only the keys: an amount wider than its column (stored by SQLite) must not stop the
    # reset that repairs it.
    m.Offering.objects.only("pk").delete()
    m.InfraProfile.objects.all().delete()
    if m.GpuPrice is not None:
        m.GpuPrice.objects.all().delete()
        m.TaskProfile.objects.all().delete()
        m.CostRule.objects.all().delete()
        for order, item in enumerate(document.get("gpu_prices", [])):
            fields = {name: item[name] for name in GPU_PRICE_FIELDS if name in item}
            label = f"GPU price {item.get('gpu_type')!r} at {item.get('provider')!r}"
            save(m.GpuPrice(order=order * 10, **fields), label)
        for order, item in enumerate(document.get("task_profiles", [])):
            fields = {name: item[name] for name in TASK_PROFILE_FIELDS if name in item}
            save(m.TaskProfile(order=order * 10, **fields), f"Task profile {item.get('key')!r}")
        for order, item in enumerate(document.get("cost_rules", [])):
            fields = {name: item[name] for name in COST_RULE_FIELDS if name in item}
            for name in ("factor", "points"):
                if name in fields:
                    fields[name] = Decimal(str(fields[name]))
            save(m.CostRule(order=order * 10, **fields), f"Cost rule {order + 1}")
    for order, item in enumerate(document.get("offerings", [])):
        fields = {name: item[name] for name in OFFERING_FIELDS if name in item}
        save(m.Offering(order=order * 10, **fields), f"Offering {item.get('key')!r}")
    for order, item in enumerate(document.get("infrastructure", [])):
        fields = {name: item[name] for name in INFRA_FIELDS if name in item}
        save(m.InfraProfile(order=order * 10, **fields), f"Profile {item.get('key')!r}")
    if m.PlanPreset is None:
        return
    m.PlanPreset.objects.all().delete()
    for order, item in enumerate(document.get("plans", [])):
        plan = m.PlanPreset(
            slug=item["slug"],
            label=item["label"],
            description=item.get("description", ""),
            workloads=item["workloads"],
            order=order * 10,
        )
        save(plan, f"Plan {item['slug']!r}")


def _models(apps: Any) -> Any:
    class Models:
        pass

    bundle = Models()
    for name in PRICE_MODELS:
        try:
            setattr(bundle, name, apps.get_model("knowledge", name))
        except LookupError:  # an early migration state, before the price book existed
            setattr(bundle, name, None)
    for name in (
        "RulesetState",
        "Question",
        "Option",
        "Approach",
        "Dimension",
        "DimensionRating",
        "Rule",
        "RuleCondition",
        "Preset",
        "AccessPath",
    ):
        setattr(bundle, name, apps.get_model("knowledge", name))
    return bundle


def _split(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _plain(value: Any) -> Any:
    """JSON-friendly: money and rates as strings (exact), dates as ISO strings."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # "10", "0.25": exact and readable
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
