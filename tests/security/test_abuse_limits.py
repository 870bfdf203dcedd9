"""Requests that cost us an account or an email are limited.

Found in the attack: 25 password resets and 40 sign-ups from one address in 50 seconds, and
no limit on invitations. Limits count per client address behind the trusted proxies
(``advisor.net``), reset emails also per recipient, invitations per inviting user.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from advisor.orgs import views
from advisor.orgs.models import Invitation
from tests.orgs.fixtures import PASSWORD, make_user

pytestmark = pytest.mark.django_db

RESET = "/accounts/password_reset/"
SIGNUP = "/accounts/signup/"


def signup_data(number: int) -> dict[str, str]:
    return {
        "username": f"user{number}",
        "email": f"user{number}@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }


def test_sign_ups_from_one_address_are_limited() -> None:
    client = Client(REMOTE_ADDR="203.0.113.5")
    limit = views.SIGNUPS.max_hits
    for number in range(limit):
        response = client.post(SIGNUP, signup_data(number))
        assert response.status_code == 302, number
        client.logout()

    refused = client.post(SIGNUP, signup_data(limit))

    assert refused.status_code == 429
    assert views.THROTTLED_MESSAGE in refused.content.decode()
    assert get_user_model().objects.count() == limit
    assert Client(REMOTE_ADDR="198.51.100.5").post(SIGNUP, signup_data(99)).status_code == 302


def test_failed_sign_ups_count_too() -> None:
    """Probing for taken usernames costs the same as signing up."""
    make_user("taken")
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(views.SIGNUPS.max_hits):
        assert client.post(SIGNUP, {**signup_data(1), "username": "taken"}).status_code == 200
    assert client.post(SIGNUP, signup_data(2)).status_code == 429


def test_password_resets_from_one_address_are_limited() -> None:
    client = Client(REMOTE_ADDR="203.0.113.5")
    limit = views.RESETS_PER_ADDRESS.max_hits
    for number in range(limit):
        assert client.post(RESET, {"email": f"person{number}@example.com"}).status_code == 302

    refused = client.post(RESET, {"email": "one-more@example.com"})

    assert refused.status_code == 429
    assert views.THROTTLED_MESSAGE in refused.content.decode()
    assert len(mail.outbox) == limit


def test_one_recipient_gets_a_few_reset_emails_at_most_and_cannot_tell(outsider) -> None:
    limit = views.RESETS_PER_EMAIL.max_hits
    answers = [
        Client(REMOTE_ADDR=f"203.0.113.{n}").post(RESET, {"email": "oscar@example.com"})
        for n in range(1, limit + 3)
    ]
    assert {(a.status_code, a.headers["Location"]) for a in answers} == {
        (302, "/accounts/password_reset/done/")
    }
    assert len(mail.outbox) == limit


def test_invitations_from_one_user_are_limited(client, org, owner) -> None:
    client.force_login(owner)
    url = f"/orgs/{org.code}/invitations/new/"
    limit = views.INVITATIONS_PER_USER.max_hits
    for number in range(limit):
        data = {"email": f"guest{number}@example.com", "role": "viewer"}
        assert client.post(url, data).status_code == 200, number

    refused = client.post(url, {"email": "one-more@example.com", "role": "viewer"})

    assert refused.status_code == 429
    assert Invitation.objects.count() == limit
    assert len(mail.outbox) == limit
