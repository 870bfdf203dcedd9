"""Password guessing is slowed down: after too many failed logins for one username, or from
one address, the login page answers 429 without checking the password, for a while.

(Share-token guessing has its own throttle, tested in ``tests/reports/test_share_links.py``.)
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import resolve

from advisor.orgs import views
from tests.orgs.fixtures import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
MESSAGE = "Too many failed attempts; try again in a few minutes."


WRONG = "wrong-password"


def attempt(client: Client, username: str, password: str = WRONG):
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def fail(client: Client, username: str, times: int) -> None:
    for number in range(times):
        response = attempt(client, username)
        assert response.status_code == 200, f"attempt {number + 1}: {response.status_code}"
        assert response.context["form"].non_field_errors()


def test_the_login_url_is_the_rate_limited_view() -> None:
    assert resolve(LOGIN).func.view_class is views.ThrottledLoginView
    assert resolve(LOGIN).url_name == "login"


def test_the_limits() -> None:
    assert views.LOGIN_MAX_FAILURES_PER_USERNAME == 10
    assert views.LOGIN_MAX_FAILURES_PER_ADDRESS == 30
    assert views.LOGIN_WINDOW_SECONDS == 15 * 60


def test_too_many_failures_for_a_username_refuse_even_the_right_password(outsider) -> None:
    client = from_address("203.0.113.1")
    fail(client, "oscar", views.LOGIN_MAX_FAILURES_PER_USERNAME)

    response = attempt(client, "oscar", PASSWORD)

    assert response.status_code == 429
    assert MESSAGE in response.content.decode()
    assert response.templates[0].name == "registration/login.html"
    assert not logged_in(client)


def test_the_refusal_does_not_check_the_password(outsider) -> None:
    client = from_address("203.0.113.1")
    fail(client, "oscar", views.LOGIN_MAX_FAILURES_PER_USERNAME)
    with mock.patch("django.contrib.auth.forms.authenticate", return_value=None) as authenticate:
        assert attempt(client, "oscar", PASSWORD).status_code == 429
    authenticate.assert_not_called()


def test_the_username_limit_holds_from_every_address_and_in_any_case(outsider) -> None:
    for number in range(views.LOGIN_MAX_FAILURES_PER_USERNAME):
        fail(from_address(f"203.0.113.{number + 1}"), "oscar", 1)

    elsewhere = from_address("198.51.100.7")
    assert attempt(elsewhere, "OSCAR", PASSWORD).status_code == 429
    assert attempt(elsewhere, " oscar", PASSWORD).status_code == 429
    assert not logged_in(elsewhere)


def test_one_failure_fewer_than_the_limit_still_lets_the_right_password_in(outsider) -> None:
    client = from_address("203.0.113.1")
    fail(client, "oscar", views.LOGIN_MAX_FAILURES_PER_USERNAME - 1)

    response = attempt(client, "oscar", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_another_username_is_not_affected(outsider) -> None:
    make_user("alice")
    client = from_address("203.0.113.1")
    fail(client, "oscar", views.LOGIN_MAX_FAILURES_PER_USERNAME)

    assert attempt(client, "alice", PASSWORD).status_code == 302
    assert logged_in(client)


def test_too_many_failures_from_an_address_refuse_every_username(outsider) -> None:
    """Trying one password on many accounts from one address is stopped too."""
    sprayer = from_address("203.0.113.66")
    for number in range(views.LOGIN_MAX_FAILURES_PER_ADDRESS):
        fail(sprayer, f"user{number}", 1)

    assert attempt(sprayer, "oscar", PASSWORD).status_code == 429
    assert not logged_in(sprayer)

    someone_else = from_address("198.51.100.7")
    assert attempt(someone_else, "oscar", PASSWORD).status_code == 302
    assert logged_in(someone_else)


def test_a_successful_login_clears_the_username_count(outsider) -> None:
    client = from_address("203.0.113.1")
    fail(client, "oscar", views.LOGIN_MAX_FAILURES_PER_USERNAME - 1)
    assert attempt(client, "oscar", PASSWORD).status_code == 302

    retry = from_address("203.0.113.1")
    fail(retry, "oscar", views.LOGIN_MAX_FAILURES_PER_USERNAME - 1)
    assert attempt(retry, "oscar", PASSWORD).status_code == 302


def test_a_logged_in_user_cannot_guess_another_account_unthrottled(outsider) -> None:
    """Failures count whoever is logged in already: the session is no way around the limit."""
    victim = make_user("victoria")
    client = from_address("203.0.113.1")
    client.force_login(outsider)
    fail(client, "victoria", views.LOGIN_MAX_FAILURES_PER_USERNAME)

    assert attempt(client, "victoria", PASSWORD).status_code == 429
    assert client.session["_auth_user_id"] == str(outsider.pk)
    victim.refresh_from_db()
    assert victim.last_login is None


def test_the_block_lifts_after_the_window(outsider) -> None:
    client = from_address("203.0.113.1")
    fail(client, "oscar", views.LOGIN_MAX_FAILURES_PER_USERNAME)
    assert attempt(client, "oscar", PASSWORD).status_code == 429

    cache.clear()  # what the window's expiry does

    assert attempt(client, "oscar", PASSWORD).status_code == 302


def test_the_throttled_page_keeps_next_and_the_csrf_protection(outsider) -> None:
    client = from_address("203.0.113.1")
    fail(client, "oscar", views.LOGIN_MAX_FAILURES_PER_USERNAME)
    response = client.post(LOGIN, {"username": "oscar", "password": PASSWORD, "next": "/orgs/new/"})
    assert response.status_code == 429
    assert 'name="next" value="/orgs/new/"' in response.content.decode()

    strict = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.1")
    assert strict.post(LOGIN, {"username": "oscar", "password": PASSWORD}).status_code == 403


def test_put_is_refused_and_not_counted(outsider) -> None:
    client = from_address("203.0.113.1")
    for _ in range(views.LOGIN_MAX_FAILURES_PER_USERNAME + 1):
        assert client.put(LOGIN, "username=oscar&password=x").status_code == 405
    assert attempt(client, "oscar", PASSWORD).status_code == 302


def test_hostile_usernames_make_valid_cache_keys(outsider) -> None:
    client = from_address("203.0.113.1")
    for username in ("a" * 10_000, "spaces and\nnewlines", "\u202e\U0001f600", "\x00", ""):
        assert attempt(client, username).status_code == 200
