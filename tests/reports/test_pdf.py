"""Reports as PDF, for members and through share links (WeasyPrint, checked with pypdf and
poppler's pdfinfo and pdftotext)."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from django.utils import timezone
from pypdf import PdfReader

from advisor.reports import pdf, pdf_render
from advisor.reports.models import ShareLink
from tests.reports.helpers import TOP, make_link, make_report, preset_answers, url

pytestmark = pytest.mark.django_db

PRICED = "high-volume"


def read(response) -> PdfReader:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(body))


def words(reader: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def test_a_member_gets_the_report_as_pdf(client, viewer, org) -> None:
    report = make_report(org, title="Patient notes: Q3", answers=preset_answers())
    client.force_login(viewer)

    response = client.get(url(report, "export.pdf"))

    reader = read(response)
    assert response["Content-Disposition"] == 'attachment; filename="patient-notes-q3.pdf"'
    text = words(reader)
    assert f"We recommend {TOP}" in text
    assert len(reader.pages) > 1  # the whole report: ranking, reasons, answers, next steps


def test_the_pdf_has_the_figures_caveats_and_page_furniture(client, viewer, org) -> None:
    report = make_report(org, answers=preset_answers(PRICED))
    client.force_login(viewer)
    snapshot = report.snapshot

    reader = read(client.get(url(report, "export.pdf")))

    text = words(reader)
    top = snapshot["top"]["key"]
    pick = next(r for r in snapshot["costs"]["approaches"] if r["approach"] == top)
    assert f"${pick['monthly_usd']:,.2f}" in text
    for row in snapshot["costs"]["approaches"]:  # every approach's monthly figure
        assert f"${row['monthly_usd']:,.2f}" in text, row["approach"]
    for caveat in snapshot["caveats"]:
        assert caveat["text"][:40] in text
    count = len(reader.pages)
    first, last = reader.pages[0].extract_text(), reader.pages[-1].extract_text()
    for n, page in ((1, first), (count, last)):
        assert f"Page {n} of {count}" in page
        assert f"knowledge base version {report.ruleset_version}" in page
        assert report.created_at.strftime("%-d %b %Y") in page


def test_a4_by_default_letter_on_request(client, viewer, org) -> None:
    report = make_report(org)
    client.force_login(viewer)

    a4 = read(client.get(url(report, "export.pdf"))).pages[0].mediabox
    letter = read(client.get(url(report, "export.pdf") + "?paper=letter")).pages[0].mediabox

    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)
    assert client.get(url(report, "export.pdf") + "?paper=tabloid").status_code == 404


def test_links_are_kept_and_charts_are_vector(client, viewer, org, settings) -> None:
    settings.SITE_URL = "https://advisor.example.com"  # where a member's copy links to
    report = make_report(org, answers=preset_answers(PRICED))
    client.force_login(viewer)

    reader = read(client.get(url(report, "export.pdf")))

    uris = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]
    ]
    assert f"https://advisor.example.com{url(report)}" in uris, uris
    # The cost chart is an SVG drawn as vector paths and text, not a bitmap.
    images = [image for page in reader.pages for image in page.images]
    assert images == []


def test_an_outsider_gets_404(client, outsider, org) -> None:
    report = make_report(org)
    client.force_login(outsider)

    assert client.get(url(report, "export.pdf")).status_code == 404


def test_a_share_link_gives_the_pdf_without_login(client, org) -> None:
    report = make_report(org)
    _, token = make_link(report)

    response = client.get(f"/s/{token}/export.pdf")

    text = words(read(response))
    assert f"We recommend {TOP}" in text
    assert token not in text.replace(" ", "")  # the secret stays out of the document,
    assert token.encode() not in response.content  # its links included
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_the_share_page_offers_the_pdf(client, org) -> None:
    report = make_report(org)
    _, token = make_link(report)

    assert f'href="/s/{token}/export.pdf"' in client.get(f"/s/{token}/").content.decode()


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown"])
def test_a_dead_share_link_gives_no_pdf(client, org, state) -> None:
    from datetime import timedelta

    from django.utils import timezone

    report = make_report(org)
    if state == "revoked":
        _, token = make_link(report, revoked=True)
    elif state == "expired":
        _, token = make_link(report, expires_at=timezone.now() - timedelta(minutes=1))
    else:
        token = "not-a-real-token"

    page = client.get(f"/s/{token}/")
    response = client.get(f"/s/{token}/export.pdf")

    assert response.status_code == page.status_code == 404
    assert not response.content.startswith(b"%PDF")


def test_revoking_a_link_stops_its_pdf(client, editor, org) -> None:
    report = make_report(org)
    link, token = make_link(report)
    assert client.get(f"/s/{token}/export.pdf").status_code == 200
    client.force_login(editor)

    client.post(url(report, f"links/{link.pk}/revoke/"))

    assert client.get(f"/s/{token}/export.pdf").status_code == 404


def test_the_renderer_reads_only_local_static_files() -> None:
    content, mime = pdf.local_response("http://testserver/static/advisor/css/pdf.css")
    assert content
    assert mime == "text/css"
    for refused in (
        "https://cdn.example.com/x.css",
        "http://testserver/static/../../etc/passwd",
        "http://testserver/orgs/",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError, match="reads only our static files"):
            pdf.local_response(refused)


def test_the_child_renderer_fetches_only_the_stylesheets_it_was_given() -> None:
    stylesheet = "/static/advisor/css/pdf.css"
    fetch = pdf_render.fetcher({stylesheet: (b"p {}", "text/css")}).fetch

    assert fetch(f"{pdf.BASE_URL.rstrip('/')}{stylesheet}").read() == b"p {}"
    assert fetch("data:text/plain,hi").read() == b"hi"
    for refused in (
        "https://cdn.example.com/x.css",
        f"{pdf.BASE_URL}static/advisor/css/app.css",  # ours, but not in this job
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError, match="reads only our static files"):
            fetch(refused)


def test_a_second_download_is_not_rendered_again(client, viewer, org, monkeypatch) -> None:
    report = make_report(org)
    client.force_login(viewer)
    first = client.get(url(report, "export.pdf")).content
    monkeypatch.setattr(pdf, "render_pdf", lambda *a, **k: pytest.fail("rendered again"))

    assert client.get(url(report, "export.pdf")).content == first


def test_an_edited_title_gives_a_new_pdf(client, editor, org) -> None:
    report = make_report(org, title="Before")
    client.force_login(editor)
    client.get(url(report, "export.pdf"))

    client.post(url(report, "edit/"), {"title": "After the board", "notes": ""})

    assert "After the board" in words(read(client.get(url(report, "export.pdf"))))


def poppler(tool: str, body: bytes, tmp_path) -> str:
    """What poppler's ``pdfinfo`` or ``pdftotext`` (a reader's tools, installed by the
    project's set-up) make of a PDF; a failure means they could not read it."""
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    args = [tool, str(path)] + (["-"] if tool == "pdftotext" else [])
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", done.stdout)


@pytest.mark.parametrize("shared", [False, True], ids=["member", "share link"])
def test_poppler_reads_the_recommendation_figures_and_caveats(
    client, viewer, org, tmp_path, shared: bool
) -> None:
    report = make_report(org, answers=preset_answers(PRICED))
    if shared:
        link, token = make_link(report)
        address = f"/s/{token}/export.pdf"
    else:
        client.force_login(viewer)
        address = url(report, "export.pdf")

    body = client.get(address).content

    info = poppler("pdfinfo", body, tmp_path)
    assert int(re.search(r"Pages: (\d+)", info).group(1)) > 1
    text = poppler("pdftotext", body, tmp_path)
    snapshot = report.snapshot
    assert f"We recommend {snapshot['top']['label']}" in text
    for row in snapshot["costs"]["approaches"]:
        assert f"${row['monthly_usd']:,.2f}" in text, row["approach"]
    for caveat in snapshot["caveats"]:
        assert caveat["text"][:40] in text
    if shared:  # revoked: the same link's PDF is gone
        ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
        assert client.get(address).status_code == 404
