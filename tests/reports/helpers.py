"""Helpers for the reports tests: saved reports, share links, and the knowledge's wording.

The "Healthcare, finance or legal" preset makes the knowledge recommend "Open model,
self-hosted" (100 points) ahead of "Fine-tuned open model" (85 points).
"""

from __future__ import annotations

import html
import re
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.utils import timezone

from advisor import advice
from advisor.knowledge.ruleset import current_knowledge
from advisor.orgs.models import Organisation
from advisor.reports.models import Report, ShareLink

PRESET = "healthcare-finance-legal"
TOP = "Open model, self-hosted"
RUNNER_UP = "Fine-tuned open model"
SELF_HOST_REASON = (
    "Regulated data (health, finance, legal, strict residency) should stay in an environment "
    "you control; a self-hosted open model keeps it there."
)
FINE_TUNE_REASON = (
    "A fine-tuned open model that you deploy yourself also keeps regulated data in your "
    "environment."
)
DATA_QUESTION = "What kind of data will the model see?"


def preset_answers(slug: str = PRESET) -> dict[str, Any]:
    preset = current_knowledge().catalogue.preset(slug)
    assert preset is not None, slug
    return dict(preset.answers)


def make_report(
    org: Organisation,
    *,
    title: str = "Patient notes summariser",
    notes: str = "",
    created_by: AbstractBaseUser | None = None,
    answers: dict[str, Any] | None = None,
    **fields: Any,
) -> Report:
    """A report as the save view makes it: a snapshot of today's knowledge for ``answers``."""
    knowledge = current_knowledge()
    answers = preset_answers() if answers is None else answers
    return Report.objects.create(
        org=org,
        title=title,
        notes=notes,
        kind=advice.RESULT,
        inputs=advice.result_inputs(answers, {}),
        snapshot=advice.build_result(knowledge, answers, {}),
        ruleset_version=knowledge.version,
        created_by=created_by,
        **fields,
    )


def make_link(report: Report, *, expires_at=None, revoked: bool = False) -> tuple[ShareLink, str]:
    link, token = ShareLink.issue(report=report, created_by=None, expires_at=expires_at)
    if revoked:
        ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
        link.refresh_from_db()
    return link, token


def start_wizard(client: Client, preset: str = PRESET) -> None:
    """Answer the questions from a preset, as a visitor following a preset link does."""
    confirm = client.get(f"/wizard/?preset={preset}")  # a preset asks first, then POSTs
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm.content.decode())
    assert token, confirm.content[:500]
    response = client.post(f"/wizard/?preset={preset}", {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302, response.content[:500]


def text(response) -> str:
    """The response body with HTML entities decoded, to compare with the knowledge's wording."""
    return html.unescape(response.content.decode())


def token_from(response) -> str:
    """The share token in the one answer that shows it (``/s/<token>/``)."""
    match = re.search(r"/s/([A-Za-z0-9_-]+)/", response.content.decode())
    assert match is not None, response.content[:1000]
    return match.group(1)


def url(report: Report, suffix: str = "") -> str:
    return f"/orgs/{report.org.code}/reports/{report.code}/{suffix}"
