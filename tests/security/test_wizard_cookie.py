"""The wizard's cookie: a hostile value never reaches the database, and answers never cross
from one person to another on a shared browser.

Found in the attack: a NUL byte in ``advisor_wizard`` (every wizard page) or ``sessionid``
(every page) answered 500 on PostgreSQL; user A's answers appeared to user B after A logged
out; B's preset rewrote A's saved row; a token planted before login was adopted by the
victim's account.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from advisor.wizard.models import WizardSession
from advisor.wizard.store import COOKIE
from tests.orgs.fixtures import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PAGES = ["/", "/wizard/", "/wizard/step/data_sensitivity/", "/wizard/review/", "/plan/"]


class RecordParameters:
    """Records every text parameter of every query (PostgreSQL refuses a NUL in any)."""

    def __init__(self) -> None:
        self.parameters: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        rows = params if many else [params]
        for row in rows or []:
            values = row.values() if isinstance(row, dict) else row or []
            self.parameters.extend(v for v in values if isinstance(v, str))
        return execute(sql, params, many, context)


def answer(client: Client, key: str, value: str):
    return client.post(f"/wizard/step/{key}/", {"answer": value})


def login(client: Client, username: str):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def answers_shown(client: Client) -> dict:
    """The answers the wizard would use for this browser (what the review shows)."""
    response = client.get("/wizard/review/")
    assert response.status_code == 200
    return {row["step"].key: row["answer"] for row in response.context["review"] if row["answer"]}


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("cookie", [COOKIE, "sessionid"])
@pytest.mark.parametrize("value", ["abc\x00def", "\x00", "x" * 31 + "\x00"])
def test_a_nul_byte_in_a_cookie_never_reaches_the_database(url, cookie, value) -> None:
    client = Client(HTTP_COOKIE=f"{cookie}={value}")  # as a raw header: no quoting
    wrapper = RecordParameters()
    with connection.execute_wrapper(wrapper):
        response = client.get(url)
    assert response.status_code in (200, 302)
    assert not [p for p in wrapper.parameters if "\x00" in p]


@pytest.mark.parametrize("value", ["../../etc", "a" * 65, "short", "'; DROP TABLE x; --", "é" * 32])
def test_a_wizard_cookie_of_the_wrong_shape_is_not_looked_up(value) -> None:
    client = Client()
    client.cookies[COOKIE] = value
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/wizard/review/").status_code == 200
    assert not [q for q in queries.captured_queries if "wizard_wizardsession" in q["sql"]]


def test_a_good_cookie_still_resumes() -> None:
    client = Client()
    answer(client, "data_sensitivity", "sensitive")
    assert answers_shown(client) == {"data_sensitivity": "Sensitive"}


def test_logging_out_forgets_the_wizard_cookie() -> None:
    make_user("alice")
    client = Client()
    login(client, "alice")
    answer(client, "data_sensitivity", "regulated")

    response = client.post("/accounts/logout/")

    assert response.cookies[COOKIE].value == ""
    assert answers_shown(client) == {}


def test_the_next_person_on_the_browser_never_sees_the_last_ones_answers() -> None:
    make_user("alice")
    make_user("bob")
    shared = Client()
    login(shared, "alice")
    answer(shared, "data_sensitivity", "regulated")
    token = shared.cookies[COOKIE].value
    shared.post("/accounts/logout/")
    shared.cookies[COOKIE] = token  # a browser that kept the cookie all the same

    assert answers_shown(shared) == {}  # anonymous
    login(shared, "bob")
    assert answers_shown(shared) == {}


def test_another_users_preset_does_not_rewrite_the_saved_row() -> None:
    alice = make_user("alice")
    make_user("bob")
    shared = Client()
    login(shared, "alice")
    answer(shared, "data_sensitivity", "regulated")
    token = shared.cookies[COOKIE].value
    shared.logout()
    shared.cookies[COOKIE] = token
    login(shared, "bob")

    answer(shared, "data_sensitivity", "non_sensitive")

    assert WizardSession.objects.get(user=alice).answers == {"data_sensitivity": "regulated"}
    assert WizardSession.objects.filter(pk=token).get().user == alice


def test_a_planted_token_is_not_adopted_by_the_victim() -> None:
    """Fixation: the attacker starts a session, plants its cookie, the victim logs in."""
    make_user("victim")
    attacker = Client()
    answer(attacker, "data_sensitivity", "non_sensitive")
    planted = attacker.cookies[COOKIE].value

    victim = Client()
    victim.cookies[COOKIE] = planted
    response = login(victim, "victim")
    assert response.status_code == 302
    new_token = response.cookies[COOKIE].value
    assert new_token
    assert new_token != planted
    answer(victim, "data_sensitivity", "regulated")

    # The victim kept the answers started before logging in, under a new token...
    assert WizardSession.objects.get(pk=new_token).answers == {"data_sensitivity": "regulated"}
    # ...and the attacker's token no longer leads anywhere.
    assert not WizardSession.objects.filter(pk=planted).exists()
    assert answers_shown(attacker) == {}


def test_answers_given_before_logging_in_are_kept() -> None:
    make_user("carol")
    client = Client()
    answer(client, "data_sensitivity", "sensitive")
    login(client, "carol")
    assert answers_shown(client) == {"data_sensitivity": "Sensitive"}
    assert WizardSession.objects.get().user.username == "carol"
