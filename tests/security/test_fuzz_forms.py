"""Hostile form input never breaks a page: no 5xx, invalid input re-renders with its errors
shown, and nothing invalid is stored.

Each form gets random and hostile values (huge strings, unicode, null bytes, several values
for one field, odd field names, numbers far out of range, nothing at all), as a plain
browser and as htmx would send them. Accepted answers:

- 200 with the form's errors visible on the page (invalid input), or a success page;
- a redirect after success, with only valid data stored;
- 400/413 for a body Django refuses to parse (too large, too many fields), 429 when
  throttled; CSRF refusals are checked separately, at the end.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django import forms
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.knowledge.loader import read_seed
from advisor.orgs.models import Invitation, Membership, Organisation
from advisor.reports.models import Report, ShareLink
from advisor.wizard.models import WizardSession
from advisor.wizard.store import COOKIE
from tests.security.conftest import Scene, examples

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SEED = read_seed()
QUESTIONS = {q["key"]: q for q in SEED["questions"]}
DIMENSIONS = [d["key"] for d in SEED["dimensions"]]
REFUSED = {400, 413, 429}

# Values -------------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "regulated\x00",
    "0",
    "-1",
    "+3",
    " 7 ",
    "3.0",
    "1e9",
    "1_000",
    "99999999999999999999999999999999",
    "-99999999999999999999999999999999",
    "NaN",
    "Infinity",
    "٣",  # an Arabic-Indic digit
    "\U0001d7d8",  # a mathematical double-struck zero
    "true",
    "null",
    "[]",
    "{}",
    '{"a": [1]}',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "{{ request }}",
    "{% debug %}",
    "../../../etc/passwd",
    "%00",
    "\u202eevil",
    "\r\nSet-Cookie: x=1",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "2024-02-30",
    "x" * 5000,
]

text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(repr),
)
#: A form-encoded value: absent, one value, or several values for the same field.
value = st.one_of(text, st.lists(text, max_size=3))
extra_fields = st.dictionaries(
    st.sampled_from(["answer[]", "answer[0][x]", "csrfmiddlewaretoken", "__proto__", "next"])
    | st.text(min_size=1, max_size=12),
    text,
    max_size=3,
)
#: Past, near and far-future dates, and the extremes.
dates = st.dates().map(lambda d: d.isoformat())


def form_data(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy[dict[str, Any]]:
    """Every field hostile or omitted, plus some odd extra fields."""
    optional = {name: st.one_of(st.none(), strategy) for name, strategy in fields.items()}
    return st.builds(
        lambda chosen, extra: {**extra, **{k: v for k, v in chosen.items() if v is not None}},
        st.fixed_dictionaries(optional),
        extra_fields,
    )


HUGE = {"answer": "x" * 70_000}  # over DATA_UPLOAD_MAX_MEMORY_SIZE
MANY = {f"f{i}": "1" for i in range(1_100)}  # over DATA_UPLOAD_MAX_NUMBER_FIELDS


# Checks -------------------------------------------------------------------------------------


def forms_in(response) -> Iterator[forms.BaseForm]:
    contexts = response.context
    if contexts is None:
        return
    if not isinstance(contexts, list):
        contexts = [contexts]
    seen: set[int] = set()
    for context in contexts:
        for item in context.flatten().values():
            if isinstance(item, forms.BaseForm) and id(item) not in seen:
                seen.add(id(item))
                yield item


def check(response, *, success: set[int]) -> bool:
    """True if the input was accepted. Fails on a 5xx or an invalid form without its errors."""
    status = response.status_code
    assert status < 500, response.content[:500]
    invalid = [f for f in forms_in(response) if f.is_bound and f.errors]
    if invalid:
        assert status == 200, status
        html = response.content.decode()
        for form in invalid:
            for messages in form.errors.values():
                for message in messages:
                    assert escape(message) in html, f"error not shown: {message!r}"
        return False
    if status in REFUSED:
        return False
    assert status in success, (status, response.content[:300])
    return True


def post(client: Client, url: str, data: dict[str, Any], htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data, headers=headers)


def wizard_session(client: Client) -> WizardSession:
    return WizardSession.objects.get(pk=client.cookies[COOKIE].value)


def valid_answer(key: str, answer: Any) -> bool:
    question = QUESTIONS[key]
    if question["kind"] == "number":
        low, high = question.get("min_value"), question.get("max_value")
        return isinstance(answer, int) and low <= answer <= high
    return answer in {o["key"] for o in question["options"]}


def clean_text(value: str, max_length: int) -> bool:
    return bool(value.strip()) and len(value) <= max_length and "\x00" not in value


def sized_inputs(url: str) -> list[dict[str, Any]]:
    return [HUGE, MANY]


# The wizard ---------------------------------------------------------------------------------


def answers_for(key: str) -> st.SearchStrategy:
    question = QUESTIONS[key]
    if question["kind"] == "number":
        low, high = question["min_value"], question["max_value"]
        right = st.integers(min_value=low - 5, max_value=high + 5).map(str)
    else:
        right = st.sampled_from([o["key"] for o in question["options"]])
    return st.one_of(right, value)


def open_step(client: Client, key: str) -> str:
    """Make the step visible (answer what it depends on) and return its URL."""
    show_if = QUESTIONS[key].get("show_if")
    if show_if:
        depends = f"/wizard/step/{show_if['question']}/"
        assert client.post(depends, {"answer": show_if["options"][0]}).status_code == 302
    return f"/wizard/step/{key}/"


@pytest.mark.parametrize("key", QUESTIONS)
def test_wizard_steps(key: str) -> None:
    client = Client()
    url = open_step(client, key)

    @FUZZ
    @given(
        data=st.builds(lambda a, x: {**x, "answer": a}, answers_for(key), extra_fields)
        | form_data({"answer": value}),
        htmx=st.booleans(),
    )
    def run(data: dict[str, Any], htmx: bool) -> None:
        response = post(client, url, data, htmx)
        if check(response, success={200, 302} if htmx else {302}):
            assert valid_answer(key, wizard_session(client).answers[key])

    run()
    for data in sized_inputs(url):
        check(client.post(url, data), success=set())


def test_priorities() -> None:
    client = Client()
    url = "/wizard/priorities/"
    weights = st.integers(min_value=-2, max_value=7).map(str) | value

    @FUZZ
    @given(data=form_data(dict.fromkeys(DIMENSIONS, weights)), htmx=st.booleans())
    def run(data: dict[str, Any], htmx: bool) -> None:
        response = post(client, url, data, htmx)
        if check(response, success={200, 302} if htmx else {302}):
            stored = wizard_session(client).weights
            assert set(stored) == set(DIMENSIONS)
            assert all(isinstance(w, int) and 0 <= w <= 5 for w in stored.values())

    run()
    # Every weight given and in range is accepted.
    assert client.post(url, dict.fromkeys(DIMENSIONS, "4")).status_code == 302
    for data in sized_inputs(url):
        check(client.post(url, data), success=set())


def test_plan_add() -> None:
    client = Client()
    url = "/plan/add/"
    fields = {"name": st.one_of(st.just("Ticket triage"), value)}
    fields |= {key: answers_for(key) for key in QUESTIONS}

    @FUZZ
    @given(data=form_data(fields), htmx=st.booleans())
    def run(data: dict[str, Any], htmx: bool) -> None:
        WizardSession.objects.update(workloads=[])  # stay under the plan's size limit
        response = post(client, url, data, htmx)
        if check(response, success={200, 302} if htmx else {302}):
            (workload,) = wizard_session(client).workloads
            assert clean_text(workload["name"], 120)
            assert all(valid_answer(k, a) for k, a in workload["answers"].items())

    run()
    for data in sized_inputs(url):
        check(client.post(url, data), success=set())


def test_plan_edit_and_organisation() -> None:
    client = Client()
    client.post("/plan/?preset=financial-services")
    fields = {"name": st.one_of(st.just("Ticket triage"), value)}
    fields |= {key: answers_for(key) for key in QUESTIONS}

    @FUZZ
    @given(
        data=form_data(fields),
        htmx=st.booleans(),
        url=st.sampled_from(["/plan/edit/0/", "/plan/edit/2/", "/plan/organisation/"]),
    )
    def run(data: dict[str, Any], htmx: bool, url: str) -> None:
        response = post(client, url, data, htmx)
        if check(response, success={200, 302} if htmx else {302}):
            workloads = wizard_session(client).workloads
            assert len(workloads) == 3
            assert all(clean_text(w["name"], 120) for w in workloads)
            assert all(valid_answer(k, a) for w in workloads for k, a in w["answers"].items())

    run()


# Accounts -----------------------------------------------------------------------------------


def test_signup() -> None:
    client = Client()
    url = "/accounts/signup/"
    password = st.one_of(st.just("Quiet-harbour-lantern-42"), value)

    @FUZZ
    @given(
        data=form_data(
            {
                "username": st.one_of(st.from_regex(r"[a-z]{3,12}", fullmatch=True), value),
                "email": st.one_of(st.emails(), value),
                "password1": password,
                "password2": password,
            }
        )
    )
    def run(data: dict[str, Any]) -> None:
        before = get_user_model().objects.count()
        response = client.post(url, data)
        if check(response, success={302}):
            assert get_user_model().objects.count() == before + 1
            client.post("/accounts/logout/")
        else:
            assert get_user_model().objects.count() == before

    run()
    for data in sized_inputs(url):
        check(client.post(url, data), success=set())


def test_login(outsider) -> None:
    client = Client()
    url = "/accounts/login/"

    @FUZZ
    @given(
        data=form_data(
            {
                "username": st.one_of(st.just("oscar"), value),
                "password": st.one_of(st.just("Quiet-harbour-lantern-42"), value),
                "next": st.one_of(st.just("//evil.example.com/"), value),
            }
        )
    )
    def run(data: dict[str, Any]) -> None:
        AccessAttempt.objects.all().delete()  # failures would soon refuse every example
        response = client.post(url, data)
        if check(response, success={302}):
            location = response.headers["Location"]
            # Never off-site: a relative path (even an odd one) stays on this host.
            target = urlsplit(location)
            assert not target.scheme, location
            assert not target.netloc, location
            assert not location.startswith(("//", "\\")), location
            client.post("/accounts/logout/")

    run()
    for data in sized_inputs(url):
        check(client.post(url, data), success=set())


# Organisations ------------------------------------------------------------------------------


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_org_create(outsider) -> None:
    client = logged_in(outsider)
    url = "/orgs/new/"

    @FUZZ
    @given(data=form_data({"name": st.one_of(st.just("Initech"), value)}))
    def run(data: dict[str, Any]) -> None:
        before = set(Organisation.objects.values_list("pk", flat=True))
        response = client.post(url, data)
        if check(response, success={302}):
            (org,) = Organisation.objects.exclude(pk__in=before)
            assert clean_text(org.name, 100)
            assert Membership.objects.filter(org=org, user=outsider, role="owner").exists()
        else:
            assert set(Organisation.objects.values_list("pk", flat=True)) == before

    run()


def test_org_settings_and_member_role(owner, scene: Scene) -> None:
    client = logged_in(owner)
    settings_url = f"/orgs/{scene.org.code}/settings/"
    role_url = f"/orgs/{scene.org.code}/members/{scene.target.pk}/role/"

    @FUZZ
    @given(name=form_data({"name": value}), role=form_data({"role": value}))
    def run(name: dict[str, Any], role: dict[str, Any]) -> None:
        if check(client.post(settings_url, name), success={302}):
            assert clean_text(Organisation.objects.get(pk=scene.org.pk).name, 100)
        # Invalid roles are refused with a message on the organisation page.
        check(client.post(role_url, role), success={302})
        assert Membership.objects.get(pk=scene.target.pk).role in {"owner", "editor", "viewer"}

    run()


def test_invitation_create(owner, scene: Scene) -> None:
    client = logged_in(owner)
    url = f"/orgs/{scene.org.code}/invitations/new/"

    @FUZZ
    @given(
        data=form_data(
            {"email": st.one_of(st.emails(), value), "role": st.sampled_from(["editor"]) | value}
        )
    )
    def run(data: dict[str, Any]) -> None:
        before = Invitation.objects.count()
        response = client.post(url, data)
        if check(response, success={200}):
            assert Invitation.objects.count() == before + 1
            assert "/orgs/invite/" in response.content.decode()
        else:
            assert Invitation.objects.count() == before

    run()


# Reports ------------------------------------------------------------------------------------


def test_report_save(editor, scene: Scene) -> None:
    client = logged_in(editor)
    assert client.post("/wizard/?preset=high-volume").status_code == 302
    url = "/reports/save/"

    @FUZZ
    @given(
        data=form_data(
            {
                "org": st.one_of(st.just(scene.org.code), value),
                "title": st.one_of(st.just("Support bot"), value),
                "notes": value,
                "source": st.sampled_from(["plan", "wizard"]) | value,
            }
        )
    )
    def run(data: dict[str, Any]) -> None:
        before = Report.objects.count()
        response = client.post(url, data)
        if check(response, success={302}):
            if Report.objects.count() == before:  # source=plan with an empty plan
                assert response.headers["Location"] == "/plan/"
                return
            report = Report.objects.latest("pk")
            assert report.org_id == scene.org.pk
            assert clean_text(report.title, 200)
            assert "\x00" not in report.notes

    run()


def test_report_edit(editor, scene: Scene) -> None:
    client = logged_in(editor)
    url = scene.report.get_absolute_url() + "edit/"

    @FUZZ
    @given(data=form_data({"title": st.one_of(st.just("Renamed"), value), "notes": value}))
    def run(data: dict[str, Any]) -> None:
        response = client.post(url, data)
        report = Report.objects.get(pk=scene.report.pk)
        if check(response, success={302}):
            assert clean_text(report.title, 200)
            assert "\x00" not in report.notes

    run()


def test_share_link_create(editor, scene: Scene) -> None:
    client = logged_in(editor)
    url = scene.report.get_absolute_url() + "links/"
    today = datetime.date.today()
    near = st.integers(min_value=-3, max_value=3 * 365).map(
        lambda days: (today + datetime.timedelta(days=days)).isoformat()
    )

    @FUZZ
    @given(data=form_data({"expires_on": st.one_of(near, dates, value)}))
    def run(data: dict[str, Any]) -> None:
        before = ShareLink.objects.count()
        response = client.post(url, data)
        if check(response, success={200}):
            assert ShareLink.objects.count() == before + 1
            assert "/s/" in response.content.decode()
        else:
            assert ShareLink.objects.count() == before

    run()


def test_report_search(viewer, scene: Scene) -> None:
    client = logged_in(viewer)
    url = f"/orgs/{scene.org.code}/reports/"

    @FUZZ
    @given(params=form_data({"q": value, "page": st.integers().map(str) | value}))
    def run(params: dict[str, Any]) -> None:
        response = client.get(url, params)
        assert response.status_code == 200, response.content[:300]

    run()
    for q in ("\x00", "Patient\x00", "%", "_", "\\"):
        assert client.get(url, {"q": q}).status_code == 200, repr(q)


GET_PAGES = [
    (None, "/"),
    (None, "/wizard/"),
    (None, "/wizard/step/data_sensitivity/"),
    (None, "/wizard/review/"),
    (None, "/plan/"),
    (None, "/accounts/login/"),
    (None, "/accounts/signup/"),
    (None, "/s/no-such-token/"),
    ("outsider", "/orgs/"),
    ("outsider", "/orgs/invite/no-such-token/"),
]


@pytest.mark.parametrize(("who", "url"), GET_PAGES)
def test_query_strings(request, who: str | None, url: str) -> None:
    client = Client()
    if who is not None:
        client.force_login(request.getfixturevalue(who))
    names = st.sampled_from(["preset", "next", "q", "page", "answer", "source"]) | text

    @settings(FUZZ, max_examples=examples(10))
    @given(params=st.dictionaries(names, value, max_size=3))
    def run(params: dict[str, Any]) -> None:
        cache.clear()  # share-token misses would throttle the share page
        response = client.get(url, params)
        assert response.status_code < 500, response.content[:300]
        if response.status_code in (301, 302):
            assert not response.headers["Location"].startswith("//")

    run()


@pytest.mark.parametrize("expires_on", ["9999-12-31", "0001-01-01"])
def test_share_link_extreme_dates_are_refused_with_a_message(editor, scene, expires_on) -> None:
    client = logged_in(editor)
    response = client.post(scene.report.get_absolute_url() + "links/", {"expires_on": expires_on})
    assert response.status_code == 200
    assert response.context["share_form"].errors
    assert not check(response, success=set())


# CSRF ---------------------------------------------------------------------------------------

FORMS: list[tuple[str | None, Callable[[Scene], str]]] = [
    (None, lambda s: "/wizard/step/data_sensitivity/"),
    (None, lambda s: "/wizard/priorities/"),
    (None, lambda s: "/wizard/restart/"),
    (None, lambda s: "/plan/add/"),
    (None, lambda s: "/plan/remove/0/"),
    (None, lambda s: "/plan/from-result/"),
    (None, lambda s: "/plan/edit/0/"),
    (None, lambda s: "/plan/organisation/"),
    (None, lambda s: "/plan/?preset=financial-services"),
    (None, lambda s: "/accounts/signup/"),
    (None, lambda s: "/accounts/login/"),
    (None, lambda s: "/accounts/password_reset/"),
    ("outsider", lambda s: "/accounts/logout/"),
    ("outsider", lambda s: "/accounts/password_change/"),
    ("outsider", lambda s: "/orgs/new/"),
    ("outsider", lambda s: f"/orgs/invite/{s.invitation_token}/"),
    ("editor", lambda s: "/reports/save/"),
    ("owner", lambda s: f"/orgs/{s.org.code}/settings/"),
    ("owner", lambda s: f"/orgs/{s.org.code}/members/{s.target.pk}/role/"),
    ("owner", lambda s: f"/orgs/{s.org.code}/members/{s.target.pk}/remove/"),
    ("owner", lambda s: f"/orgs/{s.org.code}/invitations/new/"),
    ("owner", lambda s: f"/orgs/{s.org.code}/invitations/{s.invitation.pk}/revoke/"),
    ("editor", lambda s: s.report.get_absolute_url() + "edit/"),
    ("editor", lambda s: s.report.get_absolute_url() + "delete/"),
    ("editor", lambda s: s.report.get_absolute_url() + "rerun/"),
    ("editor", lambda s: s.report.get_absolute_url() + "links/"),
    ("editor", lambda s: s.report.get_absolute_url() + f"links/{s.link.pk}/revoke/"),
]


@pytest.mark.parametrize(("who", "path"), FORMS, ids=[str(i) for i in range(len(FORMS))])
def test_every_form_refuses_a_post_without_the_csrf_token(request, scene, who, path) -> None:
    client = Client(enforce_csrf_checks=True)
    if who is not None:
        client.force_login(request.getfixturevalue(who))
    response = client.post(path(scene), {"answer": "regulated", "name": "x", "title": "x"})
    assert response.status_code == 403
    assert Report.objects.count() == 1
    assert Organisation.objects.count() == 1
