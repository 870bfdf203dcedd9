"""The knowledge contract: the keys of editor-controlled knowledge that code reads by name.

Questions, options and approaches live in the database and editors may add, reword and
reorder them freely. A few keys, though, are written into code: pricing adds a spare replica
when ``uptime`` is ``mission_critical``, the flowchart sends ``sensitive`` data to
``open_self_hosted``, a plan asks ``jurisdiction`` once for every workload. Renaming or
deleting one of those would silently change the advice, so this module declares them, each
with what it means and which modules read it, and three guards hold them:

- a system check (``advisor/knowledge/checks.py``, ``knowledge.E001`` to ``E004``) fails
  start-up and ``manage.py check`` when the live knowledge lacks one;
- the admin refuses to rename or delete one (``forms.py``, ``admin.py``), naming the code;
- ``import_ruleset`` refuses a document that lacks one (``loader.py``).

Plain data, importable without Django: code that reads a key may import its constant from
here. Keys that only other knowledge names (a rule's condition, an obligation's trigger) are
not listed: those rows protect what they name themselves. Nor are the answers the model
catalogue names in its own data (a licence "not granted in" ``eu``, a model reading
``image``): no code names them.

To make code read a new key, add it here in the same change; to stop reading one, remove
it here too, so editors may change it again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

# --- the keys, as constants code may import -------------------------------------------------

DATA_SENSITIVITY = "data_sensitivity"
REGULATED = "regulated"
SENSITIVE = "sensitive"
NON_SENSITIVE = "non_sensitive"
REQUESTS_PER_DAY = "requests_per_day"
TEAM_CAPACITY = "team_capacity"
NO_ML_TEAM = "no_ml_team"
STAGE = "stage"
PRODUCTION = "production"
UPTIME = "uptime"
MISSION_CRITICAL = "mission_critical"
FRONTIER_CAPABILITY = "frontier_capability"
NEEDED = "needed"
NOT_NEEDED = "not_needed"
WORKLOAD_MIX = "workload_mix"
SINGLE_TASK = "single_task"
JURISDICTION = "jurisdiction"
SECTOR = "sector"
MODALITIES = "modalities"

CLOSED_API = "closed_api"
CLOSED_ENTERPRISE = "closed_enterprise"
OPEN_API_HOST = "open_api_host"
OPEN_SELF_HOSTED = "open_self_hosted"
OPEN_FINE_TUNED = "open_fine_tuned"
HYBRID = "hybrid"

CHOICE = "choice"
NUMBER = "number"


# --- what a contract entry is --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuestionKey:
    key: str
    #: The question's kind the code expects: "choice" or "number".
    kind: str
    meaning: str
    readers: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"question {self.key!r}"


@dataclass(frozen=True, slots=True)
class OptionKey:
    question: str
    key: str
    meaning: str
    readers: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"answer {self.key!r} of the question {self.question!r}"


@dataclass(frozen=True, slots=True)
class ApproachKey:
    key: str
    meaning: str
    readers: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"approach {self.key!r}"


Entry = QuestionKey | OptionKey | ApproachKey

ADVICE = "advisor.advice"
PRICING = f"{ADVICE}.pricing"
ANALYSIS = f"{ADVICE}.analysis"
CHANGES = f"{ADVICE}.changes"
CHARTS = f"{ADVICE}.charts"
GATEWAYS = "advisor.plan.gateways"
PLAN = "advisor.plan.building"
PLATFORM = "advisor.plan.platform"
RESULT = f"{ADVICE}.result"
SHORTLIST = f"{ADVICE}.shortlist"
SPLIT = f"{ADVICE}.split"
SUMMARY = f"{ADVICE}.summary"
API_CATALOGUE = "advisor.api.catalogue"
API_PLANNING = "advisor.api.planning"
API_SCHEMAS = "advisor.api.schemas (the OpenAPI request examples)"
COST_RULES = "advisor.engine.costrules"
PLAN_FORMS = "advisor.plan.forms"
RESULT_TEMPLATES = "templates/results"


QUESTIONS: tuple[QuestionKey, ...] = (
    QuestionKey(
        DATA_SENSITIVITY,
        CHOICE,
        "how sensitive the data the model sees is: sensitive or regulated data never goes "
        "to a shared API host, takes the flowchart's self-hosted branch and is never routed "
        "off your own infrastructure by a gateway fallback",
        (PRICING, SHORTLIST, PLAN, GATEWAYS, SPLIT, API_SCHEMAS),
    ),
    QuestionKey(
        REQUESTS_PER_DAY,
        NUMBER,
        "the volume every cost is priced at: requests a day",
        (
            PRICING,
            ANALYSIS,
            CHANGES,
            CHARTS,
            PLAN,
            PLATFORM,
            RESULT,
            SHORTLIST,
            SPLIT,
            GATEWAYS,
            COST_RULES,
            "advisor.api.api",
            API_PLANNING,
        ),
    ),
    QuestionKey(
        TEAM_CAPACITY,
        CHOICE,
        "whether the organisation has ML engineers: asked once for a whole routing plan",
        (PLAN_FORMS, API_SCHEMAS),
    ),
    QuestionKey(STAGE, CHOICE, "prototype or production work", (API_SCHEMAS,)),
    QuestionKey(
        UPTIME,
        CHOICE,
        "whether the work is mission-critical: a spare replica, no workstation, a dedicated "
        "endpoint instead of a shared API host",
        (PRICING, PLATFORM, SHORTLIST),
    ),
    QuestionKey(
        FRONTIER_CAPABILITY,
        CHOICE,
        "whether the work needs a frontier model: the model tier every option is priced with",
        (PRICING, SHORTLIST, PLAN, PLATFORM, SPLIT),
    ),
    QuestionKey(
        WORKLOAD_MIX,
        CHOICE,
        "one task or many: a plan's workload is one task, and a hybrid's parts are priced "
        "as single tasks",
        (PLAN, SPLIT),
    ),
    QuestionKey(
        JURISDICTION,
        CHOICE,
        "where the organisation and its data subjects are: licences not granted there rule "
        "a model out; asked once for a whole routing plan",
        (SHORTLIST, PLAN_FORMS),
    ),
    QuestionKey(
        SECTOR,
        CHOICE,
        "the organisation's sector: asked once for a whole routing plan",
        (PLAN_FORMS,),
    ),
    QuestionKey(
        MODALITIES,
        CHOICE,
        "what the model must read besides text: the shortlist keeps only models that read it",
        (SHORTLIST,),
    ),
)

OPTIONS: tuple[OptionKey, ...] = (
    OptionKey(
        DATA_SENSITIVITY,
        REGULATED,
        "regulated data: kept on your own infrastructure or a dedicated endpoint",
        (PRICING, SHORTLIST, PLAN, GATEWAYS, API_SCHEMAS),
    ),
    OptionKey(
        DATA_SENSITIVITY,
        SENSITIVE,
        "sensitive data (PII, proprietary IP): kept off shared API hosts",
        (PRICING, SHORTLIST, PLAN, GATEWAYS),
    ),
    OptionKey(
        DATA_SENSITIVITY,
        NON_SENSITIVE,
        "non-sensitive data: what a hybrid's general part is priced with",
        (SPLIT, GATEWAYS, API_SCHEMAS),
    ),
    OptionKey(TEAM_CAPACITY, NO_ML_TEAM, "no ML engineers", (API_SCHEMAS,)),
    OptionKey(STAGE, PRODUCTION, "production work", (API_SCHEMAS,)),
    OptionKey(
        UPTIME,
        MISSION_CRITICAL,
        "mission-critical uptime: a spare replica, no workstation, a dedicated endpoint",
        (PRICING, PLATFORM, SHORTLIST),
    ),
    OptionKey(
        FRONTIER_CAPABILITY,
        NEEDED,
        "a frontier model is needed: everything is priced at the frontier tier",
        (PRICING, SHORTLIST, PLAN, PLATFORM, SPLIT),
    ),
    OptionKey(
        FRONTIER_CAPABILITY,
        NOT_NEEDED,
        "no frontier model needed: what a hybrid's open part is priced with",
        (SPLIT,),
    ),
    OptionKey(
        WORKLOAD_MIX,
        SINGLE_TASK,
        "a single task: fixed for every workload of a plan and every part of a hybrid",
        (PLAN, SPLIT),
    ),
)

APPROACHES: tuple[ApproachKey, ...] = (
    ApproachKey(
        CLOSED_API,
        "a closed model through its provider's API: priced with closed per-token offerings; "
        "a hybrid's general part; the routing policy's default",
        (PRICING, ANALYSIS, SHORTLIST, GATEWAYS, PLAN, API_CATALOGUE),
    ),
    ApproachKey(
        CLOSED_ENTERPRISE,
        "a closed provider's enterprise tier: the price uplift and the monthly minimum",
        (PRICING, ANALYSIS, SHORTLIST, GATEWAYS, API_CATALOGUE, RESULT_TEMPLATES),
    ),
    ApproachKey(
        OPEN_API_HOST,
        "an open model through an API host: open per-token offerings, or a dedicated "
        "endpoint for sensitive data or mission-critical work",
        (PRICING, ANALYSIS, SHORTLIST, API_CATALOGUE),
    ),
    ApproachKey(
        OPEN_SELF_HOSTED,
        "an open model you host yourself: priced with the self-hosting profiles; the "
        "break-even against pay-per-token; one shared platform in a plan",
        (PRICING, ANALYSIS, CHANGES, GATEWAYS, PLATFORM, SHORTLIST, API_CATALOGUE),
    ),
    ApproachKey(
        OPEN_FINE_TUNED,
        "a fine-tuned open model: self-hosting plus the one-off fine-tuning cost; one "
        "adapter per workload in a plan's gateway exports",
        (PRICING, CHANGES, GATEWAYS, PLATFORM, SHORTLIST, API_CATALOGUE, RESULT_TEMPLATES),
    ),
    ApproachKey(
        HYBRID,
        "a hybrid that routes each kind of task: priced as a split between a closed and an "
        "open approach, with its routing plan",
        (PRICING, PLAN, RESULT, SHORTLIST, SUMMARY, RESULT_TEMPLATES),
    ),
)

ENTRIES: tuple[Entry, ...] = (*QUESTIONS, *OPTIONS, *APPROACHES)


# --- looking entries up ----------------------------------------------------------------------


def question(key: str) -> QuestionKey | None:
    return next((q for q in QUESTIONS if q.key == key), None)


def option(question_key: str, key: str) -> OptionKey | None:
    return next((o for o in OPTIONS if o.question == question_key and o.key == key), None)


def options_of(question_key: str) -> tuple[OptionKey, ...]:
    return tuple(o for o in OPTIONS if o.question == question_key)


def approach(key: str) -> ApproachKey | None:
    return next((a for a in APPROACHES if a.key == key), None)


def readers(entry: Entry) -> str:
    """'advisor.advice.pricing, advisor.plan.platform and advisor.advice.shortlist'."""
    names = list(entry.readers)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def why(entry: Entry) -> str:
    """Why an edit may not remove ``entry``, in one sentence an editor understands."""
    return f"{readers(entry)} read the {entry.name} by its key ({entry.meaning})."


# --- what a knowledge base lacks -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Breach:
    """One way a knowledge base fails the contract."""

    #: The system check's id: knowledge.E001 to E004.
    id: str
    entry: Entry
    message: str


def breaches(
    questions: Mapping[str, str],
    options: Collection[tuple[str, str]],
    approaches: Iterable[str],
) -> list[Breach]:
    """Every contract entry the knowledge lacks, given its question keys (-> their kind), its
    (question key, option key) pairs and its approach keys. A missing question is one
    breach, not one more for each of its answers."""
    found: list[Breach] = []
    for q in QUESTIONS:
        kind = questions.get(q.key)
        if kind is None:
            found.append(Breach("knowledge.E001", q, f"The knowledge has no {q.name}."))
        elif kind != q.kind:
            found.append(
                Breach(
                    "knowledge.E002",
                    q,
                    f"The {q.name} is a {kind!r} question; the code reads it as {q.kind!r}.",
                )
            )
    found.extend(
        Breach("knowledge.E003", o, f"The knowledge has no {o.name}.")
        for o in OPTIONS
        if o.question in questions and (o.question, o.key) not in options
    )
    known = set(approaches)
    found.extend(
        Breach("knowledge.E004", a, f"The knowledge has no {a.name}.")
        for a in APPROACHES
        if a.key not in known
    )
    return found
