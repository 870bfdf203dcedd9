"""Words a newcomer meets: priorities as importance, the result's terms explained, no
knowledge version in the visitor's face, names keep their capitals."""

from __future__ import annotations

import re

import pytest

from advisor.knowledge.ruleset import current_knowledge
from tests.orgs.fixtures import editor, org, outsider, owner, viewer  # noqa: F401
from tests.reports.helpers import make_report, preset_answers, start_wizard, text, url
from tests.wizard.conftest import FULL_ANSWERS, answer

pytestmark = pytest.mark.django_db


def test_priorities_ask_how_much_each_point_matters(client) -> None:
    for key, value in FULL_ANSWERS.items():
        answer(client, key, value)

    page = text(client.get("/wizard/priorities/"))

    for dimension in current_knowledge().dimensions:
        label = dimension.label[0].lower() + dimension.label[1:]
        assert f"How much does {label} matter to you?" in page
    assert "higher is" not in page


def test_the_result_explains_points_close_call_and_no_signal(client) -> None:
    start_wizard(client, "high-volume")

    page = text(client.get("/wizard/result/"))

    guide = re.search(r'<details class="reading-guide.*?</details>', page, re.S)
    assert guide
    for term in ("Points", "Close call", "No signal"):
        assert f"<dt>{term}</dt>" in guide.group(0)
    assert "neither for nor against any approach" in page  # the unanswered questions


def test_the_review_explains_no_signal(client) -> None:
    start_wizard(client, "high-volume")

    assert "neither for nor against any approach" in text(client.get("/wizard/review/"))


def test_the_visitor_sees_no_knowledge_base_version(client) -> None:
    start_wizard(client, "high-volume")

    assert "knowledge base version" not in text(client.get("/wizard/result/")).lower()
    client.get("/plan/?preset=financial-services")
    assert "knowledge base version" not in text(client.get("/plan/")).lower()


def test_a_report_keeps_its_knowledge_version_in_its_footer(client, viewer, org) -> None:  # noqa: F811
    report = make_report(org)
    client.force_login(viewer)

    page = text(client.get(url(report)))

    footer = re.search(r'<footer class="report-footer.*?</footer>', page, re.S)
    assert footer
    assert f"knowledge base version {report.ruleset_version}" in footer.group(0)


def test_an_api_host_keeps_its_capitals(client, viewer, org) -> None:  # noqa: F811
    report = make_report(org, answers=preset_answers("high-volume"))
    assert report.snapshot["top"]["label"] == "Open model via an API host"
    client.force_login(viewer)

    page = text(client.get(url(report)))

    assert "Next steps for open model via an API host" in page
    assert "api host" not in page
