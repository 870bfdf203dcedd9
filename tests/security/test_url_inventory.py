"""Every URL pattern of the site, classified: who may call it, with which methods.

``ROUTES`` is the inventory. A new URL pattern without an entry fails
``test_every_url_pattern_is_classified``: add it, saying who may use it. The kinds:

- ``PUBLIC``: anyone, no login (the wizard, the plan, the account pages).
- ``LOGIN``: any logged-in user; anonymous visitors go to the login page.
- ``API``: the stateless JSON API: no login, no cookie, no CSRF token.
- ``SHARE``: a shared report, reachable by its token alone.
- ``ORG``: organisation-scoped. Each call names the lowest role allowed (``MEMBER``,
  ``EDITOR``, ``OWNER``): members below it get 403, outsiders 404 (as if the organisation
  did not exist), anonymous visitors the login page. A call that changes something says
  how to see the change (``changed``): it must happen for allowed roles only.

This is the site's one authorization matrix.

Methods a pattern does not list answer 405. The admin's own patterns are Django's; the
admin tests below only check that they all need a staff login.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from advisor.orgs.models import Invitation, Membership, Organisation, Role
from advisor.reports.models import Report, ShareLink
from tests.security.conftest import Scene

pytestmark = pytest.mark.django_db

PUBLIC, LOGIN, API, SHARE, ORG = "public", "login", "api", "share", "org-scoped"
MEMBER, EDITOR, OWNER = "member", "editor", "owner"
ALLOWED_ROLES = {
    MEMBER: {"owner", "editor", "viewer"},
    EDITOR: {"owner", "editor"},
    OWNER: {"owner"},
}
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Call:
    method: str
    ok: int  # the status for a visitor who may make this call
    data: dict[str, Any] | None = None
    role: str | None = None  # ORG only: the lowest role allowed
    changed: Callable[[Scene], bool] | None = None  # ORG only: did the call take effect?


@dataclass(frozen=True)
class Entry:
    kind: str
    calls: tuple[Call, ...]
    # False only for Django views that answer every method alike (see their entry).
    other_methods_405: bool = True


def get(ok: int = 200, role: str | None = None) -> Call:
    return Call("get", ok, role=role)


def post(
    ok: int = 302,
    data: dict[str, Any] | None = None,
    role: str | None = None,
    changed: Callable[[Scene], bool] | None = None,
) -> Call:
    return Call("post", ok, data or {}, role, changed)


ROUTES: dict[str, Entry] = {
    # The wizard and the routing plan: anonymous visitors' own session only.
    "": Entry(PUBLIC, (get(),)),
    "wizard/": Entry(PUBLIC, (get(302),)),  # no answers yet: to the first step
    "wizard/start-over/": Entry(PUBLIC, (get(),)),  # asks first; the button posts to restart
    "wizard/restart/": Entry(PUBLIC, (post(),)),
    "wizard/step/<slug:key>/": Entry(PUBLIC, (get(), post(data={"answer": "regulated"}))),
    "wizard/priorities/": Entry(PUBLIC, (get(), post(200))),  # empty: re-rendered with errors
    "wizard/review/": Entry(PUBLIC, (get(),)),
    "wizard/result/": Entry(PUBLIC, (get(302),)),  # no answers yet: to the start
    "plan/": Entry(PUBLIC, (get(),)),
    "plan/add/": Entry(PUBLIC, (post(data={"name": "Ticket triage"}),)),
    "plan/remove/<int:index>/": Entry(PUBLIC, (post(),)),
    "plan/from-result/": Entry(PUBLIC, (post(302),)),  # no answers: to the wizard's start
    "plan/policy.json": Entry(PUBLIC, (get(302),)),  # empty plan: to the plan page
    "plan/litellm.yaml": Entry(PUBLIC, (get(302),)),
    "plan/portkey.json": Entry(PUBLIC, (get(302),)),
    "plan/edit/<int:index>/": Entry(PUBLIC, (get(302), post(302))),  # no such workload
    "plan/organisation/": Entry(PUBLIC, (post(302),)),
    "healthz": Entry(PUBLIC, (get(),)),
    "favicon.ico": Entry(PUBLIC, (get(301),)),
    # Accounts.
    "accounts/signup/": Entry(PUBLIC, (get(), post(200))),
    "accounts/login/": Entry(PUBLIC, (get(), post(200))),
    "accounts/logout/": Entry(PUBLIC, (post(),)),
    # Django's form views answer PUT as POST (here an empty, invalid form): nothing happens.
    "accounts/password_reset/": Entry(
        PUBLIC, (get(), post(data={"email": "x@example.com"})), other_methods_405=False
    ),
    "accounts/password_reset/done/": Entry(PUBLIC, (get(),)),
    # Django's view shows its "invalid link" page whatever the method; it changes nothing.
    "accounts/reset/<uidb64>/<token>/": Entry(PUBLIC, (get(),), other_methods_405=False),
    "accounts/reset/done/": Entry(PUBLIC, (get(),)),
    "accounts/password_change/": Entry(LOGIN, (get(), post(200)), other_methods_405=False),
    "accounts/password_change/done/": Entry(LOGIN, (get(),)),
    # Organisations: any logged-in user may list theirs, create one, accept an invitation.
    "orgs/": Entry(LOGIN, (get(),)),
    "orgs/new/": Entry(LOGIN, (get(), post(data={"name": "Brand new"}))),
    "orgs/invite/<str:token>/": Entry(LOGIN, (get(), post())),
    "reports/save/": Entry(LOGIN, (get(302), post(302))),  # no wizard answers: to the wizard
    "orgs/<slug:org_code>/": Entry(ORG, (get(role=MEMBER),)),
    "orgs/<slug:org_code>/settings/": Entry(
        ORG,
        (
            get(role=OWNER),
            post(
                data={"name": "Renamed"},
                role=OWNER,
                changed=lambda s: Organisation.objects.get(pk=s.org.pk).name == "Renamed",
            ),
        ),
    ),
    "orgs/<slug:org_code>/members/<int:membership_id>/role/": Entry(
        ORG,
        (
            post(
                data={"role": "editor"},
                role=OWNER,
                changed=lambda s: Membership.objects.get(pk=s.target.pk).role == Role.EDITOR,
            ),
        ),
    ),
    # Removing someone else (the scene's target); any member may remove themselves (leave).
    "orgs/<slug:org_code>/members/<int:membership_id>/remove/": Entry(
        ORG,
        (
            post(
                role=OWNER,
                changed=lambda s: not Membership.objects.filter(pk=s.target.pk).exists(),
            ),
        ),
    ),
    "orgs/<slug:org_code>/invitations/new/": Entry(
        ORG,
        (
            get(role=OWNER),
            post(
                200,  # the link is shown in the answer, once
                {"email": "new@example.com", "role": "editor"},
                OWNER,
                lambda s: Invitation.objects.filter(email="new@example.com").exists(),
            ),
        ),
    ),
    "orgs/<slug:org_code>/invitations/<int:invitation_id>/revoke/": Entry(
        ORG,
        (
            post(
                role=OWNER,
                changed=lambda s: Invitation.objects.get(pk=s.invitation.pk).revoked_at is not None,
            ),
        ),
    ),
    # Reports.
    "orgs/<slug:org_code>/reports/": Entry(ORG, (get(role=MEMBER),)),
    "orgs/<slug:org_code>/links/": Entry(ORG, (get(role=OWNER),)),
    "orgs/<slug:org_code>/reports/<slug:code>/": Entry(ORG, (get(role=MEMBER),)),
    "orgs/<slug:org_code>/reports/<slug:code>/edit/": Entry(
        ORG,
        (
            get(role=EDITOR),
            post(
                data={"title": "Renamed"},
                role=EDITOR,
                changed=lambda s: Report.objects.get(pk=s.report.pk).title == "Renamed",
            ),
        ),
    ),
    "orgs/<slug:org_code>/reports/<slug:code>/delete/": Entry(
        ORG,
        (
            get(role=EDITOR),
            post(
                role=EDITOR,
                changed=lambda s: not Report.objects.filter(pk=s.report.pk).exists(),
            ),
        ),
    ),
    "orgs/<slug:org_code>/reports/<slug:code>/rerun/": Entry(
        ORG,
        (
            post(
                role=EDITOR,
                changed=lambda s: Report.objects.filter(previous=s.report).exists(),
            ),
        ),
    ),
    "orgs/<slug:org_code>/reports/<slug:code>/export.<str:fmt>": Entry(ORG, (get(role=MEMBER),)),
    # The scene's report is a single result: only a plan has gateway exports (404); a
    # plan report's are checked in tests/reports/test_plan_reports.py.
    "orgs/<slug:org_code>/reports/<slug:code>/routing/<str:filename>": Entry(
        ORG, (get(404, role=MEMBER),)
    ),
    "orgs/<slug:org_code>/reports/<slug:code>/links/": Entry(
        ORG,
        (
            post(
                200,  # the link is shown once, in the answer
                {"expires_on": ""},
                EDITOR,
                lambda s: ShareLink.objects.filter(report=s.report).count() == 2,
            ),
        ),
    ),
    "orgs/<slug:org_code>/reports/<slug:code>/links/<int:link_id>/revoke/": Entry(
        ORG,
        (
            post(
                role=EDITOR,
                changed=lambda s: ShareLink.objects.get(pk=s.link.pk).revoked_at is not None,
            ),
        ),
    ),
    "s/<str:token>/": Entry(SHARE, (get(),)),
    "s/<str:token>/export.pdf": Entry(SHARE, (get(),)),
    # The JSON API.
    "api/v1/": Entry(API, (get(404),), other_methods_405=False),  # ninja's root: 404 always
    "api/v1/openapi.json": Entry(API, (get(),)),
    "api/v1/ruleset": Entry(API, (get(),)),
    "api/v1/models": Entry(API, (get(),)),
    "api/v1/recommend": Entry(API, (post(200, {"answers": {}}),)),
    "api/v1/break-even": Entry(API, (post(200, {"requests_per_day": 1000}),)),
    "api/v1/route": Entry(API, (post(200, {"workloads": [{"name": "Triage"}]}),)),
}

CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def walk(patterns: list[Any], prefix: str = "", namespaces: tuple[str, ...] = ()) -> Iterator:
    """(route, namespaces) of every URL pattern, with the prefixes of its includes."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from walk(pattern.url_patterns, route, inner)
        else:
            assert isinstance(pattern, URLPattern)
            yield route, namespaces


def site_routes() -> set[str]:
    return {route for route, ns in walk(get_resolver().url_patterns) if "admin" not in ns}


def admin_routes() -> set[str]:
    return {route for route, ns in walk(get_resolver().url_patterns) if "admin" in ns}


def path_of(route: str, scene: Scene) -> str:
    """The route with real ids from the scene in place of its converters."""
    values = {
        "org_code": scene.org.code,
        "code": scene.report.code,
        "membership_id": scene.target.pk,
        "invitation_id": scene.invitation.pk,
        "link_id": scene.link.pk,
        "token": scene.share_token if route.startswith("s/") else scene.invitation_token,
        "key": "data_sensitivity",
        "index": 0,
        "fmt": "json",
        "filename": "litellm-config.yaml",
        "uidb64": "MQ",
    }
    if route.startswith("accounts/reset/"):
        values["token"] = "bad-token"

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"path_of() has no value for <{name}> in {route!r}"
        return str(values[name])

    return "/" + CONVERTER.sub(value, route)


def send(client: Client, entry: Entry, call: Call, path: str):
    if entry.kind == API and call.method == "post":
        return client.post(path, json.dumps(call.data), content_type="application/json")
    return getattr(client, call.method)(path, call.data or {})


def login_redirect(path: str) -> str:
    return f"/accounts/login/?next={path}"


# The inventory ------------------------------------------------------------------------------


def test_every_url_pattern_is_classified() -> None:
    routes = site_routes()
    missing = sorted(routes - ROUTES.keys())
    stale = sorted(ROUTES.keys() - routes)
    assert not missing, (
        f"URL pattern(s) with no entry in ROUTES ({__name__}): {missing}. Add each one, "
        "saying who may call it (PUBLIC, LOGIN, API, SHARE, or ORG with a role per method)."
    )
    assert not stale, f"ROUTES lists patterns that no longer exist: {stale}"


def test_every_organisation_url_is_org_scoped_and_checks_a_role() -> None:
    for route, entry in ROUTES.items():
        names_an_org = "<slug:org_code>" in route
        assert names_an_org == (entry.kind == ORG), route
        for call in entry.calls:
            assert (call.role in ALLOWED_ROLES) == (entry.kind == ORG), (route, call)


def test_there_are_admin_patterns_and_they_are_all_under_admin() -> None:
    admin = admin_routes()
    assert "admin/" in admin
    assert "admin/knowledge/rule/try-it/" in admin
    assert all(route.startswith("admin/") for route in admin)
    assert not any(route.startswith("admin/") for route in site_routes())


# Organisation-scoped: role rules --------------------------------------------------------------

ORG_CASES = [
    pytest.param(route, call, actor, id=f"{call.method}-{route}-{actor}")
    for route, entry in ROUTES.items()
    if entry.kind == ORG
    for call in entry.calls
    for actor in ("owner", "editor", "viewer", "outsider", "anonymous")
]


@pytest.mark.parametrize(("route", "call", "actor"), ORG_CASES)
def test_org_scoped_calls_follow_their_role_rule(client, request, scene, route, call, actor):
    if actor != "anonymous":
        client.force_login(request.getfixturevalue(actor))
    path = path_of(route, scene)

    response = send(client, ROUTES[route], call, path)

    allowed = actor in ALLOWED_ROLES[call.role]
    if actor == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"] == login_redirect(path)
    elif actor == "outsider":
        assert response.status_code == 404
    elif allowed:
        assert response.status_code == call.ok, response.content[:300]
        assert not response.headers.get("Location", "").startswith("/accounts/login/")
    else:
        assert response.status_code == 403
    if call.changed is not None:
        assert call.changed(scene) == allowed, "a refused call changed something"


# Every answer under an organisation stays private: its members' pages and exports (the
# export route in each of its formats), whoever asks.
PRIVATE_CASES = [
    pytest.param(route, call, fmt, actor, id=f"{call.method}-{route}-{fmt or ''}-{actor}")
    for route, entry in ROUTES.items()
    if entry.kind == ORG
    for call in entry.calls
    for fmt in (("md", "json", "pdf") if route.endswith("export.<str:fmt>") else (None,))
    for actor in ("owner", "outsider")
]


@pytest.mark.parametrize(("route", "call", "fmt", "actor"), PRIVATE_CASES)
def test_organisation_answers_are_never_cached(client, request, scene, route, call, fmt, actor):
    client.force_login(request.getfixturevalue(actor))
    path = path_of(route, scene)
    if fmt is not None:
        path = path.removesuffix("export.json") + f"export.{fmt}"

    response = send(client, ROUTES[route], call, path)

    assert response.status_code == (call.ok if actor == "owner" else 404)
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, response.get("Cache-Control")


# Everything else: who gets in -----------------------------------------------------------------

OTHER_CASES = [
    pytest.param(route, call, id=f"{call.method}-{route or '/'}")
    for route, entry in ROUTES.items()
    if entry.kind != ORG
    for call in entry.calls
]


@pytest.mark.parametrize(("route", "call"), OTHER_CASES)
def test_anonymous_visitors(scene, route, call) -> None:
    """Public, API and share URLs answer anonymous visitors (the API without a CSRF token);
    login-only URLs send them to the login page."""
    entry = ROUTES[route]
    client = Client(enforce_csrf_checks=entry.kind == API)
    path = path_of(route, scene)

    response = send(client, entry, call, path)

    if entry.kind == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"] == login_redirect(path)
    else:
        assert response.status_code == call.ok, response.content[:300]
        assert not response.headers.get("Location", "").startswith("/accounts/login/")
    if entry.kind == API:
        assert "sessionid" not in response.cookies
        if response.status_code != 404:  # ninja's root: the site's 404 page
            assert response.headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("route", "call"),
    [case for case in OTHER_CASES if ROUTES[case.values[0]].kind == LOGIN],
)
def test_login_only_urls_serve_any_logged_in_user(client, outsider, scene, route, call) -> None:
    client.force_login(outsider)
    response = send(client, ROUTES[route], call, path_of(route, scene))
    assert response.status_code == call.ok, response.content[:300]
    assert not response.headers.get("Location", "").startswith("/accounts/login/")


def test_share_urls_need_a_real_token(client, scene) -> None:
    assert client.get(f"/s/{scene.share_token}/").status_code == 200
    assert client.get(f"/s/{scene.share_token[:-2]}xx/").status_code == 404


# Methods --------------------------------------------------------------------------------------

METHOD_CASES = [
    pytest.param(route, method, id=f"{method}-{route or '/'}")
    for route, entry in ROUTES.items()
    if entry.other_methods_405
    for method in METHODS
    if method not in {call.method for call in entry.calls}
]


@pytest.mark.parametrize(("route", "method"), METHOD_CASES)
def test_methods_a_url_does_not_list_are_refused(client, owner, scene, route, method) -> None:
    """Checked as the organisation's owner, who may make every listed call."""
    client.force_login(owner)
    response = getattr(client, method)(path_of(route, scene))
    assert response.status_code == 405


# The admin ------------------------------------------------------------------------------------

STAFF_PAGES = ["/admin/", "/admin/knowledge/rule/try-it/"]
# Every admin URL without parameters except the login and logout pages themselves.
ADMIN_URLS = sorted(
    "/" + route
    for route in admin_routes()
    if "<" not in route and route not in {"admin/login/", "admin/logout/"}
)


@pytest.mark.parametrize("path", ADMIN_URLS)
def test_admin_urls_send_non_staff_users_to_the_admin_login(client, outsider, path) -> None:
    client.force_login(outsider)
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize("path", ADMIN_URLS)
def test_admin_urls_send_anonymous_visitors_to_the_admin_login(client, path) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_reach_the_admin_and_its_try_it_page(client, path) -> None:
    staff = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456789")
    client.force_login(staff)
    assert client.get(path).status_code == 200


def test_staff_without_a_superuser_flag_reach_the_admin_index(client) -> None:
    staff = get_user_model().objects.create_user("stella", password="pw-123456789")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
