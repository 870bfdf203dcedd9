"""Realistic organisations that the sourcing guide decides, written from the guide (not from
the rules' output): each answer set, the guide sentence that decides it, the approaches the
guide allows as the pick, and the caveats (tensions) a careful advisor must raise.

Caveats are named by their rule key (``Rule.key``), so an editor may reword them freely.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import unescape

import pytest
from django.test import Client

from advisor.knowledge.models import Rule

pytestmark = pytest.mark.django_db

CLOSED, ENTERPRISE, HOST = "closed_api", "closed_enterprise", "open_api_host"
SELF, TUNED, HYBRID = "open_self_hosted", "open_fine_tuned", "hybrid"
SENDS_DATA_OUT = {CLOSED, ENTERPRISE, HOST}


@dataclass(frozen=True)
class Organisation:
    name: str
    answers: dict
    top: set[str | None]
    guide: str
    caveats: set[str] = field(default_factory=set)
    not_caveats: set[str] = field(default_factory=set)


def org(name, top, guide, caveats=(), not_caveats=(), **answers) -> Organisation:
    tops = top if isinstance(top, set) else {top}
    return Organisation(name, answers, tops, guide, set(caveats), set(not_caveats))


PROD = {"stage": "production"}
ORGANISATIONS = [
    org(
        "Start-up proving a chatbot idea",
        CLOSED,
        "Prototyping quickly: closed source API.",
        data_sensitivity="non_sensitive",
        requests_per_day=200,
        team_capacity="no_ml_team",
        customization="standard",
        stage="prototype",
        frontier_capability="not_needed",
        workload_mix="single_task",
    ),
    org(
        "Agency prototyping with images and audio",
        CLOSED,
        "Prototyping quickly / need latest multimodal features: closed source.",
        data_sensitivity="non_sensitive",
        requests_per_day=100,
        team_capacity="no_ml_team",
        stage="prototype",
        frontier_capability="needed",
        workload_mix="single_task",
    ),
    org(
        "Marketing copy tool, a few hundred a day",
        CLOSED,
        "Low volume, non-sensitive: closed source API; needs frontier capability: closed API.",
        data_sensitivity="non_sensitive",
        requests_per_day=300,
        team_capacity="no_ml_team",
        customization="standard",
        frontier_capability="needed",
        uptime="tolerant",
        **PROD,
    ),
    org(
        "Internal FAQ bot, small team",
        CLOSED,
        "Small team, no ML engineers: closed source.",
        data_sensitivity="non_sensitive",
        requests_per_day=400,
        team_capacity="no_ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Hobby-scale tool with an ML team",
        {CLOSED, HOST},
        "Low volume and no frontier need: either, choose by convenience (flowchart).",
        data_sensitivity="non_sensitive",
        requests_per_day=50,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Customer support answers at 20,000 a day",
        HOST,
        "Volume > 1K/day: open source API host (flowchart).",
        data_sensitivity="non_sensitive",
        requests_per_day=20_000,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Retailer classifying 200,000 products a day",
        {HOST, SELF},
        "High volume (1,000+ req/day): open source API host or self-hosted.",
        caveats={"work-out-the-break-even"},
        data_sensitivity="non_sensitive",
        requests_per_day=200_000,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Media site tagging 50,000 articles, small team",
        HOST,
        "High volume: open source API host; small team: nothing to operate.",
        data_sensitivity="non_sensitive",
        requests_per_day=50_000,
        team_capacity="no_ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Hospital summarising clinical notes",
        SELF,
        "Healthcare / finance / legal: open source, self-hosted.",
        data_sensitivity="regulated",
        requests_per_day=300,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Hospital, mission-critical triage support",
        SELF,
        "Sensitive data first (step 1); mission-critical means redundancy (step 5).",
        caveats={"mission-critical-self-hosting"},
        data_sensitivity="regulated",
        requests_per_day=300,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="mission_critical",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Law firm reviewing contracts in its own style",
        TUNED,
        "Need domain-specific fine-tuning: open source; legal: self-hosted.",
        data_sensitivity="regulated",
        requests_per_day=2_000,
        team_capacity="ml_team",
        customization="domain_specific",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Insurer reading claims with customer PII",
        SELF,
        "Processing customer PII: open source, self-hosted.",
        data_sensitivity="sensitive",
        requests_per_day=5_000,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Bank with regulated data and many kinds of task",
        HYBRID,
        "The most sophisticated organisations use both: closed for general tasks, open for "
        "sensitive or high-volume tasks.",
        caveats={"sensitive-mixed-tasks"},
        data_sensitivity="regulated",
        requests_per_day=20_000,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="mixed_tasks",
        **PROD,
    ),
    org(
        "Company automating work across teams",
        HYBRID,
        "General business automation: hybrid approach.",
        data_sensitivity="non_sensitive",
        requests_per_day=2_000,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="mixed_tasks",
        **PROD,
    ),
    org(
        "Small firm automating everyday office work",
        HYBRID,
        "General business automation: hybrid approach.",
        data_sensitivity="non_sensitive",
        requests_per_day=800,
        team_capacity="no_ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="mixed_tasks",
        **PROD,
    ),
    org(
        "Design studio, mixed tasks needing the best models",
        HYBRID,
        "General business automation: hybrid approach (closed for general work).",
        data_sensitivity="non_sensitive",
        requests_per_day=300,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="needed",
        uptime="tolerant",
        workload_mix="mixed_tasks",
        **PROD,
    ),
    org(
        "Niche publisher wanting its house style, no ML team",
        {CLOSED, HOST},
        "Small team, no ML engineers: closed source (step 3), though step 4 says fine-tune.",
        caveats={"domain-without-ml-team"},
        data_sensitivity="non_sensitive",
        requests_per_day=500,
        team_capacity="no_ml_team",
        customization="domain_specific",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Specialist publisher with an ML team",
        TUNED,
        "Need domain-specific behaviour: open source with fine-tuning is the path (step 4).",
        data_sensitivity="non_sensitive",
        requests_per_day=500,
        team_capacity="ml_team",
        customization="domain_specific",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Specialist search at 20,000 a day with an ML team",
        TUNED,
        "Need domain-specific fine-tuning: open source (step 4), whatever the volume.",
        caveats={"high-volume-domain"},
        data_sensitivity="non_sensitive",
        requests_per_day=20_000,
        team_capacity="ml_team",
        customization="domain_specific",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Payments help desk that must not go down",
        ENTERPRISE,
        "Mission-critical, need SLA guarantees: closed source enterprise tier.",
        not_caveats={"mission-critical-self-hosting"},
        data_sensitivity="non_sensitive",
        requests_per_day=300,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="mission_critical",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Airline rebooking assistant, small team, mission-critical",
        ENTERPRISE,
        "Mission-critical, need SLA guarantees: closed source enterprise tier.",
        data_sensitivity="non_sensitive",
        requests_per_day=800,
        team_capacity="no_ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="mission_critical",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Marketplace search at 20,000 a day, mission-critical",
        {HOST, ENTERPRISE},
        "Mission-critical: closed enterprise tier, or managed open source provider.",
        data_sensitivity="non_sensitive",
        requests_per_day=20_000,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="mission_critical",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Trading desk research with frontier models, mission-critical",
        ENTERPRISE,
        "Mission-critical: closed source enterprise tier; frontier: closed.",
        data_sensitivity="non_sensitive",
        requests_per_day=300,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="needed",
        uptime="mission_critical",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Clinic with patient data and no ML engineers",
        SELF,
        "Sensitive data: self-hosted (step 1) even though the team is small (step 3).",
        caveats={"sensitive-without-ml-team"},
        data_sensitivity="sensitive",
        requests_per_day=500,
        team_capacity="no_ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Credit union, regulated, no ML team",
        SELF,
        "Regulated, strict data residency: open source, self-hosted.",
        caveats={"sensitive-without-ml-team"},
        data_sensitivity="regulated",
        requests_per_day=300,
        team_capacity="no_ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Prototype over real customer records",
        SELF,
        "Processing customer PII: self-hosted; prototype locally.",
        caveats={"prototype-with-sensitive-data"},
        data_sensitivity="sensitive",
        requests_per_day=100,
        team_capacity="ml_team",
        customization="standard",
        stage="prototype",
        frontier_capability="not_needed",
        workload_mix="single_task",
    ),
    org(
        "Prototype over regulated records",
        SELF,
        "Regulated data: self-hosted; prototype with synthetic data or locally.",
        caveats={"prototype-with-sensitive-data"},
        data_sensitivity="regulated",
        requests_per_day=100,
        team_capacity="ml_team",
        stage="prototype",
        workload_mix="single_task",
    ),
    org(
        "Pharma research needing the strongest reasoning on private data",
        SELF,
        "Sensitive data: self-hosted; the largest open models come close to frontier.",
        caveats={"frontier-with-sensitive-data"},
        data_sensitivity="sensitive",
        requests_per_day=2_000,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "HR platform with personal data and many kinds of task",
        HYBRID,
        "Sensitive tasks on open models, general ones on closed: the hybrid approach.",
        caveats={"sensitive-mixed-tasks"},
        data_sensitivity="sensitive",
        requests_per_day=3_000,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="mixed_tasks",
        **PROD,
    ),
    org(
        "Analytics firm at 50,000 a day needing frontier reasoning",
        HOST,
        "Volume > 1K/day: open source API host (flowchart asks volume before frontier).",
        caveats={"high-volume-frontier"},
        data_sensitivity="non_sensitive",
        requests_per_day=50_000,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Just above the thousand-a-day line",
        HOST,
        "Volume > 1K/day: open source API host.",
        caveats={"volume-just-above-the-line"},
        not_caveats={"volume-just-below-the-line"},
        data_sensitivity="non_sensitive",
        requests_per_day=1_100,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Just below the thousand-a-day line, frontier work",
        CLOSED,
        "Volume not over 1K/day, needs frontier capability: closed source API.",
        caveats={"volume-just-below-the-line"},
        not_caveats={"volume-just-above-the-line"},
        data_sensitivity="non_sensitive",
        requests_per_day=900,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Far below the line",
        CLOSED,
        "Low volume, non-sensitive: closed source API.",
        not_caveats={"volume-just-below-the-line", "volume-just-above-the-line"},
        data_sensitivity="non_sensitive",
        requests_per_day=100,
        team_capacity="no_ml_team",
        frontier_capability="needed",
        workload_mix="single_task",
    ),
    org(
        "Creative agency wanting the latest multimodal models",
        CLOSED,
        "Need latest multimodal features: closed source.",
        data_sensitivity="non_sensitive",
        requests_per_day=200,
        frontier_capability="needed",
    ),
    org(
        "Government records office with strict residency",
        SELF,
        "Regulated, strict data residency: open source, self-hosted.",
        caveats={"mission-critical-self-hosting"},
        data_sensitivity="regulated",
        requests_per_day=5_000,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="mission_critical",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Consumer app at a million requests a day",
        {HOST, SELF},
        "High volume (1,000+ req/day): open source API host or self-hosted.",
        data_sensitivity="non_sensitive",
        requests_per_day=1_000_000,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Telecom analysing customer calls at 300,000 a day",
        SELF,
        "Processing customer PII: open source, self-hosted.",
        data_sensitivity="sensitive",
        requests_per_day=300_000,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Regulated insurer with its own fine-tuned underwriting model",
        TUNED,
        "Domain-specific fine-tuning on regulated data: open source, fine-tuned, in-house.",
        caveats={"mission-critical-self-hosting"},
        data_sensitivity="regulated",
        requests_per_day=3_000,
        team_capacity="ml_team",
        customization="domain_specific",
        frontier_capability="not_needed",
        uptime="mission_critical",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Mixed tasks, general work needs the best models, small team",
        {CLOSED, HYBRID},
        "Small team: closed source; mixed tasks all suit one closed API here.",
        data_sensitivity="non_sensitive",
        requests_per_day=300,
        team_capacity="no_ml_team",
        customization="standard",
        frontier_capability="needed",
        uptime="tolerant",
        workload_mix="mixed_tasks",
        **PROD,
    ),
    org(
        "Mixed tasks in a prototype",
        CLOSED,
        "Prototyping quickly: closed source API.",
        data_sensitivity="non_sensitive",
        requests_per_day=200,
        team_capacity="ml_team",
        stage="prototype",
        frontier_capability="not_needed",
        workload_mix="mixed_tasks",
    ),
    org(
        "Legal research assistant needing frontier reasoning",
        SELF,
        "Healthcare / finance / legal: open source, self-hosted.",
        caveats={"frontier-with-sensitive-data"},
        data_sensitivity="regulated",
        requests_per_day=500,
        team_capacity="ml_team",
        customization="standard",
        frontier_capability="needed",
        uptime="tolerant",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Regulated lender, small team, cannot go down",
        SELF,
        "Regulated data: self-hosted first; small team and mission-critical are tensions.",
        caveats={"sensitive-without-ml-team", "mission-critical-self-hosting"},
        data_sensitivity="regulated",
        requests_per_day=300,
        team_capacity="no_ml_team",
        customization="standard",
        frontier_capability="not_needed",
        uptime="mission_critical",
        workload_mix="single_task",
        **PROD,
    ),
    org(
        "Only the data question answered: personal data",
        SELF,
        "Processing customer PII: open source, self-hosted.",
        data_sensitivity="sensitive",
    ),
    org("No answers at all", {None}, "Nothing answered: no signal, no recommendation."),
    org(
        "Only a question that is not asked yet",
        {None},
        "An uptime answer counts for production work only: no signal.",
        caveats={"answers-not-counted"},
        uptime="mission_critical",
    ),
]


def api(client: Client, answers: dict) -> dict:
    response = client.post(
        "/api/v1/recommend", json.dumps({"answers": answers}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def caveat_texts(keys: set[str]) -> dict[str, str]:
    found = dict(Rule.objects.filter(key__in=keys).values_list("key", "rationale"))
    return found


@pytest.mark.parametrize("organisation", ORGANISATIONS, ids=lambda o: o.name)
def test_the_guide_decides_each_organisation(client: Client, organisation: Organisation) -> None:
    data = api(client, organisation.answers)
    assert data["top"] in organisation.top, (organisation.guide, data["top"])
    if data["top"] is None:
        assert data["message"]
    if organisation.answers.get("data_sensitivity") in {"sensitive", "regulated"}:
        # Sensitive or regulated data never goes to an approach that sends it out.
        assert data["top"] not in SENDS_DATA_OUT
    texts = caveat_texts(organisation.caveats | organisation.not_caveats)
    for key in organisation.caveats - {"answers-not-counted"}:
        assert texts[key] in data["caveats"], (organisation.name, key)
    for key in organisation.not_caveats:
        assert texts[key] not in data["caveats"], (organisation.name, key)
    for entry in data["ranking"]:
        assert sum(reason["points"] for reason in entry["reasons"]) == entry["score"]


@pytest.mark.parametrize(
    "organisation",
    [o for o in ORGANISATIONS[::3] if o.answers] + [ORGANISATIONS[-1]],
    ids=lambda o: o.name,
)
def test_the_result_page_says_the_same(client: Client, organisation: Organisation) -> None:
    from advisor.wizard.models import WizardSession
    from advisor.wizard.store import COOKIE

    session = WizardSession.objects.create(answers=organisation.answers)
    client.cookies[COOKIE] = session.pk
    response = client.get("/wizard/result/")
    assert response.status_code == 200
    outcome = response.context["outcome"]
    top = outcome["top"]["key"] if outcome["top"] else None
    assert top in organisation.top
    html = unescape(response.content.decode())
    if top is None:
        assert outcome["message"] in html
    keys = {caveat["key"] for caveat in outcome["caveats"]}
    assert organisation.caveats <= keys
    assert not organisation.not_caveats & keys
    for caveat in outcome["caveats"]:
        assert caveat["text"] in html


def test_there_are_at_least_forty_organisations() -> None:
    assert len(ORGANISATIONS) >= 40
    assert len({o.name for o in ORGANISATIONS}) == len(ORGANISATIONS)
