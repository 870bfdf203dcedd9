"""What a report's author or a link holder can make the PDF renderer do: notes and titles
are limited where they are written, stored text beyond the limits is shortened for the PDF,
every render runs in a child process under a deadline, a memory limit and a page cap, and
the PDF cache follows the report's content, never the request's Host."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test import Client
from pypdf import PdfReader

from advisor.reports import pdf
from advisor.reports.models import NOTES_MAX_LENGTH, NOTES_MAX_LINES, TITLE_MAX_LENGTH, Report
from tests.reports import pdf_targets
from tests.reports.helpers import make_link, make_report, start_wizard, url

pytestmark = pytest.mark.django_db

SAVE = "/reports/save/"
HOSTS = ["testserver", "testserver:8443", "localhost:1", "127.0.0.1:65535"]


def pages(response) -> int:
    assert response.status_code == 200, response.content[:300]
    return len(PdfReader(io.BytesIO(response.content)).pages)


def words(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The paper of every render that actually ran (the cache missed)."""
    seen: list[str] = []
    original = pdf.render_pdf

    def counting(html: str, **kwargs):
        seen.append(kwargs.get("paper", ""))
        return original(html, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    return seen


# The cache --------------------------------------------------------------------------------


def test_host_header_variations_hit_the_members_cache(client, viewer, org, renders) -> None:
    report = make_report(org)
    client.force_login(viewer)

    bodies = {client.get(url(report, "export.pdf"), HTTP_HOST=host).content for host in HOSTS}

    assert renders == ["A4"]
    assert len(bodies) == 1


def test_host_header_variations_hit_the_shared_cache(org, renders) -> None:
    _, token = make_link(make_report(org))

    bodies = {Client().get(f"/s/{token}/export.pdf", HTTP_HOST=host).content for host in HOSTS}

    assert renders == ["A4"]
    assert len(bodies) == 1


def test_the_cache_follows_the_paper_and_the_content(client, editor, org, renders) -> None:
    report = make_report(org, notes="First version.")
    client.force_login(editor)
    client.get(url(report, "export.pdf"))
    client.get(url(report, "export.pdf") + "?paper=letter")
    client.get(url(report, "export.pdf") + "?paper=letter")
    assert renders == ["A4", "letter"]

    client.post(url(report, "edit/"), {"title": report.title, "notes": "Second version."})
    response = client.get(url(report, "export.pdf"))

    assert renders == ["A4", "letter", "A4"]
    assert "Second version." in words(response)


def test_the_members_pdf_links_to_the_report_on_the_configured_site(
    client, viewer, org, settings
) -> None:
    settings.SITE_URL = "https://advisor.example.com"
    report = make_report(org)
    client.force_login(viewer)

    response = client.get(url(report, "export.pdf"), HTTP_HOST="testserver:8443")

    reader = PdfReader(io.BytesIO(response.content))
    uris = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if "/URI" in annotation.get_object().get("/A", {})
    ]
    assert f"https://advisor.example.com{url(report)}" in uris
    assert not any("testserver" in uri for uri in uris)


# Limits where notes and titles are written ------------------------------------------------------


def too_long_notes() -> str:
    return "A sentence of context. " * (NOTES_MAX_LENGTH // 20)


def too_many_lines() -> str:
    return "\n".join(f"- point {n}" for n in range(NOTES_MAX_LINES + 1))


@pytest.mark.parametrize("notes", [too_long_notes(), too_many_lines()], ids=["chars", "lines"])
def test_the_save_form_refuses_oversize_notes_with_a_field_message(
    client, org, editor, notes
) -> None:
    client.force_login(editor)
    start_wizard(client)

    response = client.post(SAVE, {"org": org.code, "title": "Board pack", "notes": notes})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["notes"]
    limit = NOTES_MAX_LENGTH if len(notes) > NOTES_MAX_LENGTH else NOTES_MAX_LINES
    assert f"{limit:,}" in errors["notes"][0]
    assert errors["notes"][0] in response.content.decode()
    assert not Report.objects.exists()


def test_the_save_form_refuses_an_oversize_plan_title(client, org, editor) -> None:
    client.force_login(editor)
    client.post("/plan/?preset=financial-services")

    response = client.post(
        SAVE, {"source": "plan", "org": org.code, "title": "T" * (TITLE_MAX_LENGTH + 1)}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["title"]
    assert not Report.objects.exists()


def test_notes_at_the_limits_are_saved(client, org, editor) -> None:
    client.force_login(editor)
    start_wizard(client)
    notes = "\n".join(["x" * 10] * NOTES_MAX_LINES)
    notes += "y" * (NOTES_MAX_LENGTH - len(notes))

    response = client.post(SAVE, {"org": org.code, "title": "T" * TITLE_MAX_LENGTH, "notes": notes})

    assert response.status_code == 302
    assert Report.objects.get().notes == notes


@pytest.mark.parametrize("notes", [too_long_notes(), too_many_lines()], ids=["chars", "lines"])
def test_the_edit_form_refuses_oversize_notes_with_a_field_message(
    client, editor, report, notes
) -> None:
    client.force_login(editor)

    response = client.post(url(report, "edit/"), {"title": "Renamed", "notes": notes})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["notes"]
    assert response.context["form"].errors["notes"][0] in response.content.decode()
    report.refresh_from_db()
    assert report.title != "Renamed"


def test_the_forms_tell_the_limit_before_anyone_types(client, editor, report) -> None:
    client.force_login(editor)
    page = client.get(url(report, "edit/")).content.decode()
    assert f'maxlength="{NOTES_MAX_LENGTH}"' in page
    assert f'maxlength="{TITLE_MAX_LENGTH}"' in page


# Stored text beyond the limits (saved before them) -------------------------------------------


def test_a_pathological_stored_note_cannot_produce_an_unbounded_render(client, viewer, org) -> None:
    plain = make_report(org, title="Plain")
    # 10,000 short lines: 100 pages of line breaks before the limits (the 64 KB of
    # them made 642 pages in 64 to 97 s and about 1 GB).
    # Only SQLite can hold a title over the column's 200 characters (PostgreSQL refuses it).
    long_title = connection.vendor == "sqlite"
    title = "Huge " + "T" * (5000 if long_title else TITLE_MAX_LENGTH - 5)
    huge = make_report(org, title=title, notes="x\n" * 10_000)
    client.force_login(viewer)

    baseline = pages(client.get(url(plain, "export.pdf")))
    response = client.get(url(huge, "export.pdf"))

    assert pages(response) <= baseline + 2
    text = words(response)
    assert "shortened" in text  # the reader is told, and where the full text is
    assert "T" * (TITLE_MAX_LENGTH + 1) not in text.replace(" ", "")
    # The page itself still shows everything that was stored.
    page = client.get(url(huge)).content.decode()
    assert page.count("x<br>") >= 9_999


# The renderer's own bounds -----------------------------------------------------------------


def test_a_report_over_the_page_cap_gets_a_clear_error_page(
    client, viewer, org, monkeypatch, renders
) -> None:
    monkeypatch.setattr(pdf, "MAX_PAGES", 1)  # every report has more than one page
    report = make_report(org)
    client.force_login(viewer)

    response = client.get(url(report, "export.pdf"))
    again = client.get(url(report, "export.pdf"))

    assert response.status_code == again.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"]
    page = response.content.decode()
    assert url(report, "export.md") in page
    assert url(report, "export.json") in page
    assert len(renders) == 1  # the refusal is remembered: no second render


def test_a_hanging_render_is_stopped_at_the_deadline(client, org, monkeypatch) -> None:
    monkeypatch.setattr(pdf, "RENDER_WORK", "tests.reports.pdf_targets:hang")
    monkeypatch.setattr(pdf, "RENDER_SECONDS", 1)
    _, token = make_link(make_report(org))

    response = client.get(f"/s/{token}/export.pdf")

    assert response.status_code == 503
    assert f"/s/{token}/" in response.content.decode()  # back to the shared page
    assert "no-store" in response["Cache-Control"]


def test_a_render_over_the_memory_limit_fails_cleanly(client, viewer, org, monkeypatch) -> None:
    monkeypatch.setattr(pdf, "RENDER_WORK", "tests.reports.pdf_targets:allocate")
    report = make_report(org)
    client.force_login(viewer)

    response = client.get(url(report, "export.pdf"))

    assert response.status_code == 503
    assert pdf_targets.ALLOCATION > pdf.MEMORY_BYTES


def test_a_crashing_render_fails_cleanly(client, viewer, org, monkeypatch) -> None:
    monkeypatch.setattr(pdf, "RENDER_WORK", "tests.reports.pdf_targets:crash")
    report = make_report(org)
    client.force_login(viewer)

    assert client.get(url(report, "export.pdf")).status_code == 503
