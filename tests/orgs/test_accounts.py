"""Sign-up, login, logout, password change and password reset."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tests.orgs.fixtures import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "username": "nadia",
        "email": "nadia@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def logged_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_signup_page_renders_the_form(client) -> None:
    response = client.get(SIGNUP)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("username", "email", "password1", "password2"):
        assert f'name="{name}"' in html
    assert "csrfmiddlewaretoken" in html


def test_signup_creates_the_user_logs_in_and_goes_to_organisations(client) -> None:
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/orgs/"
    user = get_user_model().objects.get(username="nadia")
    assert user.email == "nadia@example.com"
    assert user.check_password(PASSWORD)
    assert logged_in_user_id(client) == str(user.pk)
    page = client.get("/orgs/").content.decode()
    assert "Create your first organisation" in page
    assert "Welcome, nadia" in page


def test_signup_follows_a_safe_next(client) -> None:
    response = client.post(f"{SIGNUP}?next=/orgs/new/", signup_data())
    assert response.headers["Location"] == "/orgs/new/"


def test_signup_ignores_a_next_on_another_host(client) -> None:
    response = client.post(SIGNUP, {**signup_data(), "next": "https://evil.example/"})
    assert response.headers["Location"] == "/orgs/"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password2": "something-else-entirely"}, "password2", "match"),
        ({"email": ""}, "email", "This field is required"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"username": ""}, "username", "This field is required"),
        ({"password1": "123", "password2": "123"}, "password2", "too short"),
    ],
)
def test_signup_rerenders_with_field_errors(client, overrides, field, message) -> None:
    response = client.post(SIGNUP, signup_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "is-invalid" in response.content.decode()
    assert not get_user_model().objects.filter(username="nadia").exists()
    assert logged_in_user_id(client) is None


def test_signup_refuses_a_taken_username_whatever_its_case(client) -> None:
    make_user("nadia", email="first@example.com")
    response = client.post(SIGNUP, signup_data(username="Nadia"))
    assert response.status_code == 200
    assert "already exists" in " ".join(response.context["form"].errors["username"])
    assert get_user_model().objects.count() == 1


def test_signup_does_not_tell_whether_an_email_has_an_account(client) -> None:
    """Found in the attack: sign-up said "an account with this email address already
    exists". An address in use signs up like any other."""
    make_user("someone", email="Nadia@Example.com")
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="nadia").exists()


def test_signup_sends_a_logged_in_user_on(client, outsider) -> None:
    client.force_login(outsider)
    response = client.get(SIGNUP)
    assert response.status_code == 302
    assert response.headers["Location"] == "/orgs/"


def test_login_page_links_to_signup_and_password_reset_keeping_next(client) -> None:
    response = client.get("/accounts/login/?next=/orgs/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/accounts/signup/?next=/orgs/new/"' in html
    assert 'href="/accounts/password_reset/"' in html


def test_login_with_the_right_password_logs_in(client, outsider) -> None:
    response = client.post(
        "/accounts/login/", {"username": "oscar", "password": PASSWORD, "next": "/orgs/"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/orgs/"
    assert logged_in_user_id(client) == str(outsider.pk)


def test_login_with_a_wrong_password_rerenders_with_an_error(client, outsider) -> None:
    response = client.post("/accounts/login/", {"username": "oscar", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert logged_in_user_id(client) is None


def test_logout_by_get_is_refused(client, outsider) -> None:
    client.force_login(outsider)
    assert client.get("/accounts/logout/").status_code == 405
    assert logged_in_user_id(client) == str(outsider.pk)


def test_logout_by_post_logs_out(client, outsider) -> None:
    client.force_login(outsider)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert logged_in_user_id(client) is None


def test_password_change_needs_login(client) -> None:
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=")


def test_password_change_changes_the_password(client, outsider) -> None:
    client.force_login(outsider)
    assert client.get("/accounts/password_change/").status_code == 200
    new = "Another-long-passphrase-77"
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/password_change/done/"
    assert "Password changed" in response.content.decode()
    outsider.refresh_from_db()
    assert outsider.check_password(new)


def test_password_change_with_a_wrong_old_password_shows_the_error(client, outsider) -> None:
    client.force_login(outsider)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "nope", "new_password1": "x-Y-z-12345", "new_password2": "x-Y-z-12345"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]


def test_password_reset_emails_a_working_link(client, outsider) -> None:
    response = client.post("/accounts/password_reset/", {"email": "oscar@example.com"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/password_reset/done/"
    assert client.get("/accounts/password_reset/done/").status_code == 200

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["oscar@example.com"]
    assert message.subject == "Reset your Sourcing Advisor password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body)
    assert link, message.body

    confirm = client.get(link.group(1), follow=True)
    assert confirm.status_code == 200
    assert "Choose a new password" in confirm.content.decode()
    new = "Brand-new-passphrase-31"
    done = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": new, "new_password2": new},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/accounts/reset/done/"
    assert "Your password is reset" in done.content.decode()
    outsider.refresh_from_db()
    assert outsider.check_password(new)


def test_password_reset_for_an_unknown_address_looks_and_works_the_same(client) -> None:
    """Found in the attack: only known addresses got an email, so the answer took longer
    for them. Both now send one email; the unknown one carries no link."""
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nobody@example.com"]
    assert message.subject == "Reset your Sourcing Advisor password"
    assert "no account uses it" in message.body
    assert "/accounts/reset/" not in message.body


def test_a_used_or_bad_reset_link_explains_itself(client, outsider) -> None:
    response = client.get("/accounts/reset/MQ/bad-token/")
    assert response.status_code == 200
    assert "This reset link no longer works" in response.content.decode()
