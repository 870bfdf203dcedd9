"""Password guessing is slowed down: after too many failed logins for one username from one
address, for one username from everywhere, or from one client address, every login form (the
site's and the admin's) answers 429 without checking the password, for a while; a guesser at
one address cannot lock the account's owner out, and a password reset lifts a block.

(Share-token guessing has its own limit, tested in ``tests/reports/test_share_links.py``.)
"""

from __future__ import annotations

import re
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core import mail
from django.test import Client
from django.urls import resolve

from advisor.orgs import login_limits, views
from tests.orgs.fixtures import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
MESSAGE = login_limits.THROTTLED_MESSAGE
PER_USERNAME = login_limits.MAX_FAILURES_PER_USERNAME
PER_USERNAME_ANYWHERE = login_limits.MAX_FAILURES_PER_USERNAME_ANYWHERE
PER_ADDRESS = login_limits.MAX_FAILURES_PER_ADDRESS
WRONG = "wrong-password"


def attempt(client: Client, username: str, password: str = WRONG, url: str = LOGIN):
    return client.post(url, {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def fail(client: Client, username: str, times: int, url: str = LOGIN) -> None:
    """``times`` failed attempts, none of them refused yet."""
    for number in range(times):
        response = attempt(client, username, url=url)
        assert response.status_code == 200, f"attempt {number + 1}: {response.status_code}"
        assert response.context["form"].non_field_errors()


def reach_limit(client: Client, username: str, url: str = LOGIN) -> None:
    """Fail up to the username limit; the last failure already answers 429."""
    fail(client, username, PER_USERNAME - 1, url)
    assert attempt(client, username, url=url).status_code == 429


def test_the_login_url_is_ours() -> None:
    assert resolve(LOGIN).func.view_class is views.LoginView
    assert resolve(LOGIN).url_name == "login"


def test_the_limits() -> None:
    assert PER_USERNAME == 10
    assert PER_USERNAME_ANYWHERE == 50
    assert PER_ADDRESS == 30
    assert login_limits.WINDOW.total_seconds() == 15 * 60


def test_too_many_failures_for_a_username_refuse_even_the_right_password(outsider) -> None:
    client = from_address("203.0.113.1")
    reach_limit(client, "oscar")

    response = attempt(client, "oscar", PASSWORD)

    assert response.status_code == 429
    assert MESSAGE in response.content.decode()
    assert response.templates[0].name == "registration/login.html"
    assert not logged_in(client)


def test_the_refusal_does_not_check_the_password(outsider) -> None:
    client = from_address("203.0.113.1")
    reach_limit(client, "oscar")
    with mock.patch.object(ModelBackend, "authenticate", return_value=None) as authenticate:
        assert attempt(client, "oscar", PASSWORD).status_code == 429
    authenticate.assert_not_called()


def test_the_admin_login_is_limited_too(outsider) -> None:
    """Found in the attack: 60 wrong passwords on /admin/login/, then the right one got in."""
    admin = get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    client = from_address("203.0.113.1")
    reach_limit(client, "root", url=ADMIN_LOGIN)

    response = attempt(client, "root", PASSWORD, url=ADMIN_LOGIN)

    assert response.status_code == 429
    assert not logged_in(client)
    admin.refresh_from_db()
    assert admin.last_login is None


def test_the_site_and_the_admin_share_one_count(outsider) -> None:
    get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    client = from_address("203.0.113.1")
    fail(client, "root", PER_USERNAME // 2, url=ADMIN_LOGIN)
    fail(client, "root", PER_USERNAME // 2 - 1, url=LOGIN)
    assert attempt(client, "root", url=ADMIN_LOGIN).status_code == 429

    assert attempt(client, "root", PASSWORD, url=LOGIN).status_code == 429
    assert not logged_in(client)


def spread_failures(username: str, times: int) -> None:
    """``times`` failures for ``username``, each from an address of its own."""
    for number in range(times):
        fail(from_address(f"203.0.113.{number + 1}"), username, 1)


def lock_everywhere(username: str) -> None:
    """Reach the limit for ``username`` from everywhere, one failure per address."""
    spread_failures(username, PER_USERNAME_ANYWHERE - 1)
    assert attempt(from_address("203.0.113.200"), username).status_code == 429


def test_the_username_limit_holds_from_every_address_and_in_any_case(outsider) -> None:
    spread_failures("oscar", PER_USERNAME_ANYWHERE - 1)
    assert attempt(from_address("203.0.113.99"), "oscar").status_code == 429

    elsewhere = from_address("198.51.100.7")
    assert attempt(elsewhere, "OSCAR", PASSWORD).status_code == 429
    assert attempt(elsewhere, " oscar", PASSWORD).status_code == 429
    assert not logged_in(elsewhere)


@pytest.mark.parametrize(
    "lookalike",
    ["\uff4fscar", "OSCA\uff32", "\u1d3cscar"],  # full-width o, full-width R, modifier capital O
)
def test_unicode_lookalikes_share_the_username_budget(outsider, lookalike) -> None:
    """Found in the attack: a full-width letter logged in as the real user with a fresh
    budget (the form NFKC-normalises the name), while the real user stayed locked out."""
    client = from_address("203.0.113.1")
    reach_limit(client, "oscar")

    response = attempt(client, lookalike, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)


def test_lookalike_failures_count_against_the_real_name(outsider) -> None:
    spread_failures("\uff4fscar", PER_USERNAME_ANYWHERE - 1)
    assert attempt(from_address("203.0.113.99"), "\uff4fscar").status_code == 429

    assert attempt(from_address("198.51.100.7"), "oscar", PASSWORD).status_code == 429


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_a_guesser_at_one_address_cannot_lock_the_owner_out(outsider, url) -> None:
    """Found in the attack: ten wrong passwords every quarter of an hour from anywhere kept
    any known account (admins too) locked out."""
    owner = get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    guesser = from_address("203.0.113.66")
    for _ in range(3):  # every quarter of an hour, ten more
        fail(guesser, "root", PER_USERNAME - 1, url=url)
        assert attempt(guesser, "root", url=url).status_code == 429
        assert attempt(guesser, "root", PASSWORD, url=url).status_code == 429
        AccessAttempt.objects.update(
            attempt_time=AccessAttempt.objects.get().attempt_time - 2 * login_limits.WINDOW
        )
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time)
    fail(guesser, "root", PER_USERNAME - 1, url=url)
    assert attempt(guesser, "root", url=url).status_code == 429

    at_home = from_address("198.51.100.7")
    assert attempt(at_home, "root", PASSWORD, url=url).status_code == 302
    assert logged_in(at_home)
    owner.refresh_from_db()
    assert owner.last_login is not None


def test_one_address_cannot_reach_the_limit_for_a_name_from_everywhere(outsider) -> None:
    """The address's own limit stops a guesser long before the name's limit from everywhere."""
    assert PER_ADDRESS < PER_USERNAME_ANYWHERE
    guesser = from_address("203.0.113.66")
    fail(guesser, "oscar", PER_USERNAME - 1)
    for number in range(PER_ADDRESS - PER_USERNAME):
        fail(guesser, f"user{number}", 1)
    assert attempt(guesser, "user-last").status_code == 429
    assert attempt(guesser, "oscar").status_code == 429
    assert attempt(from_address("198.51.100.7"), "oscar", PASSWORD).status_code == 302


def reset_password(client: Client, email: str, new: str) -> None:
    """Ask for a reset link by email and choose ``new`` through it."""
    mail.outbox.clear()
    assert client.post("/accounts/password_reset/", {"email": email}).status_code == 302
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    confirm = client.get(link, follow=True)
    done = client.post(
        confirm.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert done.redirect_chain[-1][0] == "/accounts/reset/done/"
    assert "the block is lifted" in done.content.decode()


def test_a_locked_out_user_is_told_how_to_get_back_in(outsider) -> None:
    lock_everywhere("oscar")
    response = attempt(from_address("198.51.100.7"), "oscar", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "try again in 15 minutes" in html
    assert "reset your password" in html
    assert 'href="/accounts/password_reset/"' in html


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_a_password_reset_lifts_the_block(outsider, url) -> None:
    """Found in the attack: a reset left the account locked for the rest of the window."""
    outsider.is_staff = True
    outsider.save()
    lock_everywhere("oscar")
    at_home = from_address("198.51.100.7")
    assert attempt(at_home, "oscar", PASSWORD, url=url).status_code == 429

    new = "Brand-new-passphrase-31"
    reset_password(at_home, "oscar@example.com", new)

    assert attempt(at_home, "oscar", new, url=url).status_code == 302
    assert logged_in(at_home)


def test_a_password_reset_keeps_the_guessers_address_blocked(outsider) -> None:
    sprayer = from_address("203.0.113.66")
    for number in range(PER_ADDRESS - 1):
        fail(sprayer, f"user{number}", 1)
    assert attempt(sprayer, "oscar").status_code == 429

    reset_password(from_address("198.51.100.7"), "oscar@example.com", "Brand-new-passphrase-31")

    assert attempt(sprayer, "oscar", "Brand-new-passphrase-31").status_code == 429


def test_one_failure_fewer_than_the_limit_still_lets_the_right_password_in(outsider) -> None:
    client = from_address("203.0.113.1")
    fail(client, "oscar", PER_USERNAME - 1)

    response = attempt(client, "oscar", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_another_username_is_not_affected(outsider) -> None:
    make_user("alice")
    client = from_address("203.0.113.1")
    reach_limit(client, "oscar")

    assert attempt(client, "alice", PASSWORD).status_code == 302
    assert logged_in(client)


def test_too_many_failures_from_an_address_refuse_every_username(outsider) -> None:
    """Trying one password on many accounts from one address is stopped too."""
    sprayer = from_address("203.0.113.66")
    for number in range(PER_ADDRESS - 1):
        fail(sprayer, f"user{number}", 1)
    assert attempt(sprayer, "user-last").status_code == 429

    assert attempt(sprayer, "oscar", PASSWORD).status_code == 429
    assert not logged_in(sprayer)

    someone_else = from_address("198.51.100.7")
    assert attempt(someone_else, "oscar", PASSWORD).status_code == 302
    assert logged_in(someone_else)


def test_a_successful_login_clears_the_username_count_only(outsider) -> None:
    client = from_address("203.0.113.1")
    fail(client, "oscar", PER_USERNAME - 1)
    assert attempt(client, "oscar", PASSWORD).status_code == 302

    retry = from_address("203.0.113.2")
    fail(retry, "oscar", PER_USERNAME - 1)
    assert attempt(retry, "oscar", PASSWORD).status_code == 302


def test_a_valid_account_does_not_reset_the_address_count(outsider) -> None:
    """A guesser with an account of their own cannot log in to refill the address budget."""
    guesser = from_address("203.0.113.66")
    for number in range(PER_ADDRESS - 2):
        fail(guesser, f"user{number}", 1)
    assert attempt(guesser, "oscar", PASSWORD).status_code == 302
    guesser.logout()

    fail(guesser, "victim", 1)
    assert attempt(guesser, "victim").status_code == 429


def test_a_logged_in_user_cannot_guess_another_account_unthrottled(outsider) -> None:
    """Failures count whoever is logged in already: the session is no way around the limit."""
    victim = make_user("victoria")
    client = from_address("203.0.113.1")
    client.force_login(outsider)
    reach_limit(client, "victoria")

    assert attempt(client, "victoria", PASSWORD).status_code == 429
    assert client.session["_auth_user_id"] == str(outsider.pk)
    victim.refresh_from_db()
    assert victim.last_login is None


def test_the_block_lifts_after_the_window(outsider) -> None:
    client = from_address("203.0.113.1")
    reach_limit(client, "oscar")
    assert attempt(client, "oscar", PASSWORD).status_code == 429

    # What the window's passing does: the failures are older than the cool-off.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - 2 * login_limits.WINDOW
    )

    assert attempt(client, "oscar", PASSWORD).status_code == 302


def test_attempts_while_refused_do_not_extend_the_block(outsider) -> None:
    client = from_address("203.0.113.1")
    reach_limit(client, "oscar")
    before = AccessAttempt.objects.get()
    for _ in range(5):
        assert attempt(client, "oscar").status_code == 429
    after = AccessAttempt.objects.get()
    assert (after.failures_since_start, after.attempt_time) == (
        before.failures_since_start,
        before.attempt_time,
    )


def test_the_throttled_page_keeps_next_and_the_csrf_protection(outsider) -> None:
    client = from_address("203.0.113.1")
    reach_limit(client, "oscar")
    response = client.post(LOGIN, {"username": "oscar", "password": PASSWORD, "next": "/orgs/new/"})
    assert response.status_code == 429
    assert 'name="next" value="/orgs/new/"' in response.content.decode()

    hostile = client.post(
        LOGIN, {"username": "oscar", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert "evil.example" not in hostile.content.decode()

    strict = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.1")
    assert strict.post(LOGIN, {"username": "oscar", "password": PASSWORD}).status_code == 403


def test_put_is_refused_and_not_counted(outsider) -> None:
    client = from_address("203.0.113.1")
    for _ in range(PER_USERNAME + 1):
        assert client.put(LOGIN, "username=oscar&password=x").status_code == 405
    assert attempt(client, "oscar", PASSWORD).status_code == 302


def test_hostile_usernames_make_valid_records(outsider) -> None:
    client = from_address("203.0.113.1")
    for username in ("a" * 10_000, "spaces and\nnewlines", "\u202e\U0001f600", "\x00", ""):
        assert attempt(client, username).status_code == 200


# Behind the proxies ---------------------------------------------------------------------


def via_proxy(client_address: str, proxy: str = "10.0.0.2") -> Client:
    """A browser at ``client_address`` reaching us through nginx at ``proxy``."""
    return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=client_address)


def test_behind_a_trusted_proxy_each_client_has_its_own_address_budget(settings, outsider):
    """Found in the attack: behind the TLS proxy, 74 failures locked everyone out."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    sprayer = via_proxy("203.0.113.66")
    for number in range(PER_ADDRESS - 1):
        fail(sprayer, f"user{number}", 1)
    assert attempt(sprayer, "user-last").status_code == 429

    someone_else = via_proxy("198.51.100.7")
    assert attempt(someone_else, "oscar", PASSWORD).status_code == 302


def test_an_untrusted_peer_cannot_choose_its_address(settings, outsider):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    sprayer_addresses = (f"192.0.2.{n}" for n in range(1, 255))
    for number in range(PER_ADDRESS - 1):
        forged = Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=next(sprayer_addresses))
        fail(forged, f"user{number}", 1)
    forged = Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=next(sprayer_addresses))
    assert attempt(forged, "user-last").status_code == 429
