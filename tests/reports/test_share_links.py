"""Share links: shown once, stored as a hash, read-only without login, revocable, throttled."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from advisor.reports import throttle
from advisor.reports.models import ShareLink, hash_token
from tests.reports.helpers import (
    SELF_HOST_REASON,
    TOP,
    make_link,
    make_report,
    text,
    token_from,
    url,
)

pytestmark = pytest.mark.django_db


def assert_private(response) -> None:
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    cache_control = response.headers["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control


# Creating ---------------------------------------------------------------------------------


def test_creating_a_link_shows_the_token_once_and_stores_only_its_hash(
    client, editor, report
) -> None:
    client.force_login(editor)

    response = client.post(url(report, "links/"), {"expires_on": ""})

    assert response.status_code == 200
    assert {"private", "no-store"} <= {
        part.strip() for part in response.headers["Cache-Control"].split(",")
    }
    token = token_from(response)
    assert f'value="http://testserver/s/{token}/"' in response.content.decode()
    assert "It works until you revoke it." in response.content.decode()
    assert len(token) * 6 >= 128  # URL-safe base64: six bits a character
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)

    link = ShareLink.objects.get()
    assert link.report == report
    assert link.created_by == editor
    assert link.expires_at is None
    assert link.token_hash == hash_token(token)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ShareLink._meta.db_table}")  # noqa: S608
        dump = repr(cursor.fetchall())
    assert token not in dump
    assert link.token_hash in dump

    detail = client.get(url(report)).content.decode()
    assert token not in detail  # never shown again
    assert "<td>edward</td>" in detail
    assert "<td>never</td>" in detail
    assert "<td>not yet</td>" in detail
    assert "<td>active</td>" in detail


def test_every_link_gets_its_own_token(client, editor, report) -> None:
    client.force_login(editor)
    first = token_from(client.post(url(report, "links/")))
    second = token_from(client.post(url(report, "links/")))
    assert first != second
    assert ShareLink.objects.count() == 2


def test_a_link_expiring_today_works_until_the_end_of_the_day_utc(client, editor, report) -> None:
    today = timezone.now().astimezone(UTC).date()
    client.force_login(editor)

    response = client.post(url(report, "links/"), {"expires_on": today.isoformat()})

    assert response.status_code == 200
    link = ShareLink.objects.get()
    assert link.expires_at == datetime.combine(today + timedelta(days=1), time.min, tzinfo=UTC)
    assert link.status == "active"
    assert Client().get(f"/s/{token_from(response)}/").status_code == 200


def test_a_past_expiry_date_is_refused(client, editor, report) -> None:
    yesterday = timezone.now().date() - timedelta(days=1)
    client.force_login(editor)

    response = client.post(url(report, "links/"), {"expires_on": yesterday.isoformat()})

    assert response.status_code == 200
    assert "Choose today or a later date." in response.content.decode()
    assert "/s/" not in response.content.decode()
    assert not ShareLink.objects.exists()


def test_a_malformed_expiry_date_is_refused(client, editor, report) -> None:
    client.force_login(editor)
    response = client.post(url(report, "links/"), {"expires_on": "someday"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    assert not ShareLink.objects.exists()


def test_viewers_see_no_share_links(client, viewer, report) -> None:
    make_link(report)
    client.force_login(viewer)
    page = client.get(url(report)).content.decode()
    assert "Share links" not in page
    assert "Create a share link" not in page
    assert "Revoke" not in page


# Viewing ----------------------------------------------------------------------------------


def test_anyone_with_the_link_reads_the_report_without_logging_in(report) -> None:
    link, token = make_link(report)
    before = timezone.now()

    response = Client().get(f"/s/{token}/")

    assert response.status_code == 200
    assert_private(response)
    page = text(response)
    assert f"<h1>{report.title}</h1>" in page
    assert f'<h2 id="top-heading" class="h3">{TOP}</h2>' in page
    assert SELF_HOST_REASON in page
    assert "Shared read-only by Acme Ltd" in page
    for control in ("Create a share link", "Revoke", "Rename or edit notes", "Re-run", "Delete"):
        assert control not in page, control
    assert 'method="post"' not in page
    assert url(report) not in page
    link.refresh_from_db()
    assert link.view_count == 1
    assert link.last_viewed_at >= before

    Client().get(f"/s/{token}/")
    link.refresh_from_db()
    assert link.view_count == 2


def test_the_report_page_lists_views(client, editor, report) -> None:
    _, token = make_link(report)
    Client().get(f"/s/{token}/")
    Client().get(f"/s/{token}/")
    client.force_login(editor)
    page = client.get(url(report)).content.decode()
    assert '<td class="text-end">2</td>' in page
    assert "<td>not yet</td>" not in page


def test_a_link_view_is_one_lookup_and_one_update(report, django_assert_num_queries) -> None:
    """The token is found by its indexed hash; an anonymous visitor costs no session query."""
    _, token = make_link(report)
    visitor = Client()
    with django_assert_num_queries(2) as captured:
        assert visitor.get(f"/s/{token}/").status_code == 200
    lookup, update = (query["sql"] for query in captured.captured_queries)
    assert "token_hash" in lookup
    assert lookup.startswith("SELECT")
    assert update.startswith("UPDATE")
    assert ShareLink._meta.get_field("token_hash").unique  # so the lookup uses an index


def test_an_expired_link_is_404_with_an_explanation(report) -> None:
    link, token = make_link(report, expires_at=timezone.now() - timedelta(seconds=1))

    response = Client().get(f"/s/{token}/")

    assert response.status_code == 404
    assert_private(response)
    assert "It has expired." in text(response)
    assert report.title not in text(response)
    link.refresh_from_db()
    assert link.view_count == 0


def test_an_unknown_token_is_404(report) -> None:
    make_link(report)
    response = Client().get("/s/not-a-real-token/")
    assert response.status_code == 404
    assert_private(response)
    assert "It may be mistyped, or it was never valid." in text(response)


# Revoking ---------------------------------------------------------------------------------


def test_revoking_stops_the_link_immediately(client, editor, report) -> None:
    link, token = make_link(report)
    visitor = Client()
    assert visitor.get(f"/s/{token}/").status_code == 200
    client.force_login(editor)
    revoke = url(report, f"links/{link.pk}/revoke/")
    assert f'action="{revoke}"' in client.get(url(report)).content.decode()

    response = client.post(revoke, follow=True)

    assert response.redirect_chain == [(url(report), 302)]
    assert "Share link revoked: it stops working immediately." in text(response)
    assert "<td>revoked</td>" in text(response)
    assert revoke not in text(response)  # no second Revoke button
    gone = visitor.get(f"/s/{token}/")
    assert gone.status_code == 404
    assert_private(gone)
    assert "The person who shared it has revoked it." in text(gone)
    assert report.title not in text(gone)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert link.view_count == 1


def test_revoking_twice_keeps_the_first_time(client, editor, report) -> None:
    link, _ = make_link(report, revoked=True)
    first = link.revoked_at
    client.force_login(editor)
    client.post(url(report, f"links/{link.pk}/revoke/"))
    link.refresh_from_db()
    assert link.revoked_at == first


def test_deleting_the_report_kills_its_links(client, editor, report) -> None:
    _, token = make_link(report)
    client.force_login(editor)
    client.post(url(report, "delete/"))
    assert not ShareLink.objects.exists()
    assert Client().get(f"/s/{token}/").status_code == 404


# Throttling -------------------------------------------------------------------------------


def test_repeated_misses_from_one_client_are_throttled(report) -> None:
    _, token = make_link(report)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(throttle.MAX_MISSES):
        assert guesser.get(f"/s/guess-{attempt}/").status_code == 404, attempt

    blocked = guesser.get("/s/guess-again/")

    assert throttle.MAX_MISSES == 20
    assert throttle.WINDOW_SECONDS == 10 * 60
    assert blocked.status_code == 429
    assert_private(blocked)
    assert "Too many attempts" in text(blocked)
    assert report.title not in text(blocked)

    neighbour = Client(REMOTE_ADDR="203.0.113.10")
    assert neighbour.get(f"/s/{token}/").status_code == 200
    assert neighbour.get("/s/guess-0/").status_code == 404


def test_a_valid_link_is_never_refused(report) -> None:
    """Found in the attack: once a client had missed 20 times, its valid links answered 429
    too (and behind a proxy every client shares one address)."""
    _, token = make_link(report)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(throttle.MAX_MISSES + 5):
        guesser.get(f"/s/guess-{attempt}/")

    response = guesser.get(f"/s/{token}/")

    assert response.status_code == 200
    assert report.title in text(response)


def test_behind_a_trusted_proxy_misses_count_per_client(settings, report) -> None:
    """Found in the attack: behind the TLS proxy, 60 misses made every link answer 429."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    guesser = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    for attempt in range(throttle.MAX_MISSES):
        guesser.get(f"/s/guess-{attempt}/")
    assert guesser.get("/s/guess-again/").status_code == 429

    neighbour = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert neighbour.get("/s/guess-0/").status_code == 404


def test_nineteen_misses_do_not_block(report) -> None:
    _, token = make_link(report)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(throttle.MAX_MISSES - 1):
        guesser.get(f"/s/guess-{attempt}/")
    assert guesser.get(f"/s/{token}/").status_code == 200


def test_views_of_a_valid_link_are_not_misses(report) -> None:
    _, token = make_link(report)
    reader = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(throttle.MAX_MISSES + 5):
        assert reader.get(f"/s/{token}/").status_code == 200


def test_other_reports_links_keep_working(org, report) -> None:
    other = make_report(org, title="Other")
    _, mine = make_link(report)
    _, theirs = make_link(other, revoked=True)
    assert Client().get(f"/s/{mine}/").status_code == 200
    assert Client().get(f"/s/{theirs}/").status_code == 404


def test_a_share_page_has_no_forms_that_its_no_referrer_policy_would_break(
    client, editor, report
) -> None:
    """With no Referer, browsers send "Origin: null" on a share page's forms: keep none."""
    from tests.reports.helpers import make_link

    _, token = make_link(report)
    client.force_login(editor)
    html = client.get(f"/s/{token}/").content.decode()
    assert "<form" not in html
    assert report.title in html
