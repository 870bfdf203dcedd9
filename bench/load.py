"""Drive many simulated users through the whole journey under production settings.

Run from the repo root: ``.venv/bin/python bench/load.py`` (``--help`` for options).

It migrates a throwaway database (SQLite in a temporary directory, or with ``--database
postgres`` a PostgreSQL database it creates and drops itself), starts ``gunicorn -w 3
--threads 1`` with the production settings on a free loopback port, and lets ``--users``
simulated users loose for ``--seconds``. Each user has its own keep-alive connection and
cookie jar and: signs up, creates an organisation, opens the landing page, starts the
wizard, answers every step (plain form posts or htmx posts, alternately), rates the
priorities, opens the review and the result, saves a report, creates a share link and opens
it anonymously; then starts over with a fresh wizard run, until the time is up.

It prints requests/s, p50/p95/p99 per page type and the responses by status, then checks the
database: every report a client saw saved exists exactly once with its title, answers and
weights; every share link a client created exists once; every user's wizard session holds
the answers and weights the client last posted; nothing is duplicated. The run passes (exit
0) only with no 5xx, no unexpected status, no request given up, no "database is locked" in
the gunicorn error log and the verification OK.

``--redis-fault kill`` (or ``freeze``) starts its own redis-server on a free port, points
``REDIS_URL`` at it, and at a third of the time SIGKILLs it (or SIGSTOPs it), bringing it
back (a new server, or SIGCONT) at two thirds: nothing may answer 5xx meanwhile, as pages
fall back to each worker's own memory (``advisor/cache.py``).

``--kill-worker`` sends SIGKILL to one gunicorn worker at half time. Clients retry a request
that failed at the connection level up to 3 times; before re-sending a POST that creates
something (sign-up, organisation, report, share link) they look whether the first attempt
went through, so a retry never creates a duplicate.

Static files: the pages need the manifest of hashed names (``{% static %}`` under the
production storage), so collectstatic must have run, but the load never requests a static
file. The production storage also compresses every file with gzip and brotli (75-100 s on
this machine); the manifest does not depend on that, so the script collects once with
Django's plain ManifestStaticFilesStorage (same hashed names, ~5 s) into
``/tmp/advisor-load-static-<hash of the sources and package versions>`` and reuses it.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import html
import http.client
import importlib.metadata
import json
import multiprocessing
import os
import queue as queue_module
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_api import HOST, free_port, server_cpu_seconds, server_env, stop, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = f"host={HOST} port=5432 user=postgres dbname=postgres"
RETRIES = 3
BACKOFF = 0.25  # seconds, doubled at each retry
REQUEST_TIMEOUT = 30.0  # gunicorn kills a worker silent for 30 s
SPAWN_SLACK = 2.0  # seconds for the client processes to start before the clock runs
GRACE = 150.0  # after the end, how long in-flight journeys (and their retries) may take
#: With --min-journeys, how much longer a user may go on to complete its journeys.
MIN_JOURNEYS_EXTENSION = 180.0
PASSWORD = "Load-" + secrets.token_urlsafe(12)
RETRYABLE = (OSError, http.client.HTTPException)

#: POSTs that create something: checked for before a retry, never blindly re-sent.
CREATING = {"signup", "org_create", "save", "share_create"}
#: What each page answers when all is well; anything else is an error.
EXPECTED = {
    "home": {200},
    "signup_form": {200},
    "signup": {302},
    "login_form": {200},
    "login": {302},
    "org_form": {200},
    "org_create": {302},
    "org_list": {200},
    "wizard_start": {200, 302},
    "restart": {302},
    "step": {200},
    "answer": {302},
    "answer_htmx": {200},
    "priorities": {200},
    "priorities_post": {302},
    "priorities_htmx": {200},
    "review": {200},
    "result": {200},
    "save_form": {200},
    "save": {302},
    "report_list": {200},
    "report": {200},
    "share_create": {200},
    "shared": {200},
}


# --- the simulated user -------------------------------------------------------------------


class Stop(Exception):
    """The time is up."""


class Abort(Exception):
    """This journey cannot go on (unexpected answer, or a request given up after retries)."""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def location(self) -> str:
        return urlsplit(self.headers.get("Location", "")).path


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    unexpected: Counter = field(default_factory=Counter)  # "kind status" -> count
    conn_errors: Counter = field(default_factory=Counter)  # kind -> count
    retries: int = 0
    recovered: int = 0  # a retry that got an answer
    found_by_check: Counter = field(default_factory=Counter)  # POST already applied
    gave_up: Counter = field(default_factory=Counter)
    journeys: int = 0
    aborted: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)


def input_tags(text: str) -> list[dict[str, str]]:
    return [
        {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', tag)}
        for tag in re.findall(r"<input\b[^>]*>", text)
    ]


def bound(value: str | None, default: int) -> int:
    return int(value) if value and value.lstrip("-").isdigit() else default


def csrf_token(text: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    if match is None:
        raise Abort("no CSRF token in the page")
    return match.group(1)


class User:
    def __init__(
        self,
        index: int,
        username: str,
        port: int,
        stop_at: float,
        seed: int,
        lose: float,
        min_journeys: int = 0,
    ) -> None:
        self.index = index
        self.min_journeys = min_journeys
        self.lose_responses = lose
        self.username = username
        self.port = port
        self.stop_at = stop_at
        self.random = random.Random(seed)
        self.origin = f"http://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.stats = Stats()
        self.tag = username
        # What the server must hold at the end, as far as this client knows.
        self.signed_up = False
        self.org_name = f"Load org {username}"
        self.org_code = ""
        self.reports: list[dict[str, Any]] = []
        self.uncertain_titles: list[str] = []
        self.wizard = {"answers": {}, "weights": {}, "certain": True, "exists": False}
        self.finished_at = 0.0

    # HTTP ---------------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        return self.connection

    def _drop_connection(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _remember(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            try:
                parsed = SimpleCookie(header)
            except CookieError:
                continue
            for name, morsel in parsed.items():
                if morsel["max-age"] == "0" or (not morsel.value and morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    # The cookies are marked Secure (production settings) and this is plain
                    # HTTP on loopback: keep them anyway, as a TLS-terminating proxy would.
                    self.cookies[name] = morsel.coded_value

    def send(
        self,
        kind: str,
        method: str,
        path: str,
        body: bytes | None,
        headers: dict[str, str],
        anonymous: bool,
    ) -> Response:
        headers = {"Accept-Encoding": "gzip", "Accept": "text/html", **headers}
        if not anonymous and self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if anonymous:
            connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        else:
            connection = self._connection()
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        except BaseException:
            if anonymous:
                connection.close()
            else:
                self._drop_connection()
            raise
        elapsed = (time.perf_counter() - started) * 1000
        if kind in CREATING and self.random.random() < self.lose_responses:
            # The server did the work; the client never hears of it (--lose-responses).
            self._drop_connection()
            raise ConnectionResetError(f"--lose-responses: dropped the answer to {kind}")
        if anonymous or response.will_close:
            connection.close()
            if not anonymous:
                self.connection = None
        if response.getheader("Content-Encoding") == "gzip":
            payload = gzip.decompress(payload)
        if not anonymous:
            self._remember(response)
        self.stats.latencies.setdefault(kind, []).append(elapsed)
        self.stats.statuses[response.status] += 1
        return Response(response.status, response.headers, payload.decode("utf-8", "replace"))

    def call(
        self,
        kind: str,
        method: str,
        path: str,
        fields: dict[str, Any] | None = None,
        *,
        htmx: bool = False,
        anonymous: bool = False,
        check: Any = None,
        ignore_deadline: bool = False,
        expect: set[int] | None = None,
    ) -> Any:
        """One request with retries on connection-level failures.

        ``check`` (for POSTs that create something) runs before each retry; when it finds
        the first attempt went through it returns what the caller needs instead of a
        Response, and nothing is re-posted.
        """
        if not ignore_deadline and self.past_deadline():
            raise Stop
        headers: dict[str, str] = {}
        body = None
        if method == "POST":
            body = urlencode(fields or {}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        if htmx:
            headers["HX-Request"] = "true"
            headers["HX-Current-URL"] = self.origin + path
            if fields and "csrfmiddlewaretoken" in fields:
                headers["X-CSRFToken"] = fields["csrfmiddlewaretoken"]
        last: BaseException | None = None
        for attempt in range(RETRIES + 1):
            if attempt:
                self.stats.retries += 1
                time.sleep(BACKOFF * 2 ** (attempt - 1))
                if check is not None:
                    found = check()
                    if found is not None:
                        self.stats.found_by_check[kind] += 1
                        return found
            try:
                response = self.send(kind, method, path, body, headers, anonymous)
            except RETRYABLE as exc:
                self.stats.conn_errors[kind] += 1
                last = exc
                continue
            if attempt:
                self.stats.recovered += 1
            if response.status not in (expect or EXPECTED[kind]):
                self.stats.unexpected[f"{kind} {response.status}"] += 1
                raise Abort(f"{kind} {method} {path} answered {response.status}")
            return response
        self.stats.gave_up[kind] += 1
        raise Abort(f"{kind} {method} {path} failed {RETRIES + 1} times: {last!r}")

    def get(self, kind: str, path: str, **kwargs: Any) -> Response:
        return self.call(kind, "GET", path, **kwargs)

    # The journey --------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self.setup()
            run = 0
            while True:
                try:
                    self.journey(run)
                    self.stats.journeys += 1
                except Abort as exc:
                    self.stats.aborted.append(str(exc))
                    time.sleep(0.2)
                run += 1
        except Stop:
            pass
        except Abort as exc:
            self.stats.aborted.append(f"setup: {exc}")
        except Exception:
            self.stats.crashes.append(traceback.format_exc())
        finally:
            self._drop_connection()
            self.finished_at = time.time()

    def setup(self) -> None:
        self.get("home", "/")
        page = self.get("signup_form", "/accounts/signup/")
        fields = {
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": self.username,
            "email": f"{self.username}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
        self.call("signup", "POST", "/accounts/signup/", fields, check=self._logged_in)
        self.signed_up = True
        page = self.get("org_form", "/orgs/new/")
        fields = {"csrfmiddlewaretoken": csrf_token(page.text), "name": self.org_name}
        done = self.call("org_create", "POST", "/orgs/new/", fields, check=self._org_code)
        self.org_code = done if isinstance(done, str) else done.location().split("/")[2]
        if not self.org_code:
            raise Abort("organisation created without a code")

    def _logged_in(self) -> str | None:
        """Before re-posting the sign-up: did the first attempt create the account?"""
        page = self.get("login_form", "/accounts/login/", ignore_deadline=True)
        fields = {
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": self.username,
            "password": PASSWORD,
        }
        answer = self.call(
            "login",
            "POST",
            "/accounts/login/",
            fields,
            ignore_deadline=True,
            expect={200, 302, 429},
        )
        if answer.status == 429:  # failed logins from this address are rate limited
            raise Abort("cannot tell whether the sign-up went through: login throttled")
        return "logged in" if answer.status == 302 else None  # 200: no such account yet

    def _org_code(self) -> str | None:
        page = self.get("org_list", "/orgs/", ignore_deadline=True)
        name = html.escape(self.org_name)
        match = re.search(rf'href="/orgs/([\w-]+)/">{re.escape(name)}</a>', page.text)
        return match.group(1) if match else None

    def past_deadline(self) -> bool:
        """Time is up, unless the user still owes its minimum of whole journeys (on a busy
        machine the run goes on, up to a cap, rather than proving nothing)."""
        now = time.time()
        if now < self.stop_at:
            return False
        owed = self.stats.journeys < self.min_journeys
        return not owed or now >= self.stop_at + MIN_JOURNEYS_EXTENSION

    def deadline(self) -> None:
        if self.past_deadline():
            raise Stop

    def post_wizard(self, kind: str, url: str, fields: dict[str, Any], htmx: bool) -> Response:
        """A POST that changes the wizard session: unknown state until it is answered."""
        self.deadline()
        self.wizard["certain"] = False
        return self.call(kind, "POST", url, fields, htmx=htmx, ignore_deadline=True)

    def journey(self, run: int) -> None:
        htmx = (run + self.index) % 2 == 1
        self.get("home", "/")
        response = self.get("wizard_start", "/wizard/")
        if response.status == 200:  # "continue or start over": start over
            fields = {"csrfmiddlewaretoken": csrf_token(response.text)}
            response = self.post_wizard("restart", "/wizard/restart/", fields, htmx=False)
            self.wizard.update(answers={}, weights={}, certain=True)
        url = response.location()
        page = self.get("step", url)
        self._answer_steps(url, page, htmx)
        self.get("result", "/wizard/result/")
        self._save_and_share(run)

    def _answer_steps(self, url: str, page: Response, htmx: bool) -> None:
        answers: dict[str, Any] = self.wizard["answers"]
        while url.startswith("/wizard/step/"):
            key = url.rstrip("/").rsplit("/", 1)[1]
            choices = [tag for tag in input_tags(page.text) if tag.get("name") == "answer"]
            if not choices:
                raise Abort(f"no answer field on {url}")
            if choices[0].get("type") == "number":
                low = bound(choices[0].get("min"), 1)
                high = min(bound(choices[0].get("max"), low + 100_000), low + 1_000_000)
                value: Any = self.random.randint(low, high)
            else:
                value = self.random.choice([tag["value"] for tag in choices])
            fields = {"csrfmiddlewaretoken": csrf_token(page.text), "answer": value}
            if htmx:
                page = self.post_wizard("answer_htmx", url, fields, htmx=True)
                url = page.headers.get("HX-Push-Url", "")
            else:
                url = self.post_wizard("answer", url, fields, htmx=False).location()
            answers[key] = value
            self.wizard.update(certain=True, exists=True)
            if not url:
                raise Abort(f"answering {key} did not move on (invalid answer?)")
            if not htmx and url.startswith("/wizard/step/"):
                page = self.get("step", url)
        if url != "/wizard/priorities/":
            raise Abort(f"after the questions came {url!r}, not the priorities")
        if not htmx:
            page = self.get("priorities", url)
        weights = {
            tag["name"]: self.random.randint(0, 5)
            for tag in input_tags(page.text)
            if tag.get("type") == "number" and tag.get("name") not in (None, "answer")
        }
        if not weights:
            raise Abort("no priorities on the priorities page")
        fields = {"csrfmiddlewaretoken": csrf_token(page.text), **weights}
        if htmx:
            page = self.post_wizard("priorities_htmx", url, fields, htmx=True)
            url = page.headers.get("HX-Push-Url", "")
        else:
            url = self.post_wizard("priorities_post", url, fields, htmx=False).location()
        self.wizard.update(weights=weights, certain=True)
        if url != "/wizard/review/":
            raise Abort(f"after the priorities came {url!r}, not the review")
        if not htmx:  # htmx: the review came back as the answer to the post
            self.get("review", url)

    def _save_and_share(self, run: int) -> None:
        title = f"Load report {self.username} run {run}"
        page = self.get("save_form", "/reports/save/")
        if f'value="{self.org_code}"' not in page.text:
            raise Abort("the save form does not offer the user's organisation")
        fields = {
            "csrfmiddlewaretoken": csrf_token(page.text),
            "org": self.org_code,
            "title": title,
            "notes": f"Saved by the load test, run {run}.",
        }
        self.deadline()
        self.uncertain_titles.append(title)  # until the client knows whether it was saved
        done = self.call(
            "save",
            "POST",
            "/reports/save/",
            fields,
            check=lambda: self._find(title),
            ignore_deadline=True,
        )
        code = done if isinstance(done, str) else done.location().rstrip("/").rsplit("/", 1)[1]
        self.uncertain_titles.remove(title)
        report = {
            "title": title,
            "code": code,
            "answers": dict(self.wizard["answers"]),
            "weights": dict(self.wizard["weights"]),
            "links": 0,
            "links_uncertain": 0,
            "views": 0,
            "view_attempts": 0,
        }
        self.reports.append(report)
        detail = f"/orgs/{self.org_code}/reports/{code}/"
        page = self.get("report", detail)
        if title not in page.text:
            raise Abort(f"the report page does not show {title!r}")
        links_before = page.text.count("/revoke/")
        fields = {"csrfmiddlewaretoken": csrf_token(page.text), "expires_on": ""}
        self.deadline()
        report["links_uncertain"] = 1
        done = self.call(
            "share_create",
            "POST",
            detail + "links/",
            fields,
            check=lambda: self._link_made(detail, links_before),
            ignore_deadline=True,
        )
        report.update(links=1, links_uncertain=0)
        if not isinstance(done, Response):
            return  # made by the first attempt, whose answer (the only copy of the URL) is lost
        match = re.search(r'id="share-url" type="text" value="([^"]+)"', done.text)
        if match is None:
            raise Abort("no share URL on the link page")
        self.deadline()
        report["view_attempts"] = RETRIES + 1  # a retried GET may count twice
        path = urlsplit(html.unescape(match.group(1))).path
        shared = self.call("shared", "GET", path, anonymous=True, ignore_deadline=True)
        if html.escape(title) not in shared.text:
            raise Abort("the shared page does not show the report")
        report["views"] += 1

    def _find(self, title: str) -> str | None:
        """Before re-posting a report: is it saved already? Its code if so."""
        query = urlencode({"q": title})
        page = self.get(
            "report_list", f"/orgs/{self.org_code}/reports/?{query}", ignore_deadline=True
        )
        pattern = (
            rf'href="/orgs/{re.escape(self.org_code)}/reports/([\w-]+)/">{re.escape(title)}</a>'
        )
        match = re.search(pattern, page.text)
        return match.group(1) if match else None

    def _link_made(self, detail: str, before: int) -> str | None:
        page = self.get("report", detail, ignore_deadline=True)
        return "made" if page.text.count("/revoke/") > before else None

    def outcome(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "signed_up": self.signed_up,
            "org_name": self.org_name,
            "org_code": self.org_code,
            "reports": self.reports,
            "uncertain_titles": self.uncertain_titles,
            "wizard": self.wizard,
            "stats": self.stats,
            "finished_at": self.finished_at,
        }


def client_process(
    port: int,
    users: list[tuple[int, str]],
    begin: float,
    stop_at: float,
    seed: int,
    lose: float,
    queue: multiprocessing.Queue,
    min_journeys: int = 0,
) -> None:
    simulated = [
        User(index, name, port, stop_at, seed * 1000 + index, lose, min_journeys)
        for index, name in users
    ]
    threads = [threading.Thread(target=user.run, daemon=True) for user in simulated]
    time.sleep(max(0.0, begin - time.time()))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put([user.outcome() for user in simulated])


# --- server and database ------------------------------------------------------------------


def prune(pattern: str, keep: Path) -> None:
    """Drop caches of older code (a day old or more) beside the one just built."""
    for old in Path(tempfile.gettempdir()).glob(pattern):
        with contextlib.suppress(OSError):
            if old != keep and time.time() - old.stat().st_mtime > 24 * 3600:
                shutil.rmtree(old) if old.is_dir() else old.unlink()


def static_sources_digest() -> str:
    digest = hashlib.sha256()
    for package in ("django", "django-bootstrap-static", "django-htmx", "whitenoise"):
        digest.update(f"{package}={importlib.metadata.version(package)}\n".encode())
    sources = [ROOT / "static", *sorted((ROOT / "advisor").glob("*/static"))]
    for base in sources:
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def collected_static(env: dict[str, str]) -> Path:
    """The collected static files (manifest included), built once per set of sources."""
    cache = Path(tempfile.gettempdir()) / f"advisor-load-static-{static_sources_digest()}"
    if (cache / "staticfiles.json").is_file():
        print(f"static files: reusing {cache}", flush=True)
        return cache
    started = time.monotonic()
    build = Path(tempfile.mkdtemp(prefix="advisor-load-static-build-"))
    shim = build / "shim"
    shim.mkdir()
    (shim / "load_collect_settings.py").write_text(
        "from advisor.settings import *  # noqa: F403\n"
        "# Same manifest as the production storage, without compressing every file.\n"
        'STORAGES = {**STORAGES, "staticfiles": {"BACKEND": '
        '"django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}\n'
    )
    collect_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "load_collect_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(shim), env.get("PYTHONPATH")])),
        "DJANGO_STATIC_ROOT": str(build / "static"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=collect_env,
        check=True,
        timeout=300,
    )
    try:
        os.rename(build / "static", cache)
    except OSError:  # another run built it meanwhile
        if not (cache / "staticfiles.json").is_file():
            raise
    shutil.rmtree(build, ignore_errors=True)
    prune("advisor-load-static-????????????????", cache)
    print(f"static files: collected into {cache} in {time.monotonic() - started:.1f} s")
    return cache


def migrated_sqlite(env: dict[str, str], target: Path) -> None:
    """A freshly migrated SQLite database at ``target``: a copy of one migrated once per
    version of the code (``advisor/`` and Django), as migrating takes 5-10 s here."""
    digest = hashlib.sha256(importlib.metadata.version("django").encode())
    for path in sorted((ROOT / "advisor").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    cache = Path(tempfile.gettempdir()) / f"advisor-load-db-{digest.hexdigest()[:16]}.sqlite3"
    if cache.is_file():
        print(f"database: copying {cache}, migrated earlier", flush=True)
    else:
        started = time.monotonic()
        build = Path(tempfile.mkdtemp(prefix="advisor-load-db-build-"))
        database = build / "db.sqlite3"
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": f"sqlite:///{database}"},
            check=True,
            timeout=300,
        )
        with contextlib.closing(sqlite3.connect(database)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        os.replace(database, cache)
        shutil.rmtree(build, ignore_errors=True)
        prune("advisor-load-db-*.sqlite3", cache)
        print(f"database: migrated {cache} in {time.monotonic() - started:.1f} s", flush=True)
    shutil.copyfile(cache, target)


def pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as connection:
        connection.execute(statement)


def start_gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    """Like bench_api's, but the workers' stderr (Django's log) goes to the error log too."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "advisor.wsgi:application",
        *("-w", str(workers), "--threads", "1", "-b", f"{HOST}:{port}"),
        *("--access-logfile", "/dev/null", "--error-logfile", str(log), "--capture-output"),
        *("--log-level", "warning", "--max-requests", "0"),
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL)


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(master) and fields[0] != "Z":
            pids.append(int(entry))
    return sorted(pids)


def kill_worker_later(master: int, at: float, workers: int, report: dict[str, Any]) -> None:
    time.sleep(max(0.0, at - time.time()))
    pids = worker_pids(master)
    if not pids:
        report["error"] = "no gunicorn worker found"
        return
    victim = random.choice(pids)
    os.kill(victim, signal.SIGKILL)
    killed_at = time.time()
    report.update(pid=victim, at=killed_at)
    print(f"--kill-worker: sent SIGKILL to gunicorn worker {victim}", flush=True)
    deadline = killed_at + 60
    while time.time() < deadline:
        current = worker_pids(master)
        if victim not in current and len(current) >= workers:
            report["replaced_after"] = time.time() - killed_at
            report["new"] = sorted(set(current) - set(pids))
            return
        time.sleep(0.05)


def start_redis(port: int, workdir: Path) -> subprocess.Popen:
    command = [
        shutil.which("redis-server") or "/usr/bin/redis-server",
        *("--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"),
        *("--dir", str(workdir)),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), 2) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return process
        time.sleep(0.1)
    raise RuntimeError("redis-server did not start")


def redis_fault_later(
    redis: dict[str, Any], mode: str, at: float, until: float, report: dict[str, Any]
) -> None:
    """At ``at``: SIGKILL (``kill``) or SIGSTOP (``freeze``) the run's redis-server; at
    ``until``: a new one on the same port, or SIGCONT."""
    time.sleep(max(0.0, at - time.time()))
    process = redis["process"]
    if mode == "kill":
        process.kill()
        process.wait(10)
    else:
        os.kill(process.pid, signal.SIGSTOP)
    report["at"] = time.time()
    print(f"--redis-fault: {mode} redis-server {process.pid}", flush=True)
    time.sleep(max(0.0, until - time.time()))
    if mode == "kill":
        redis["process"] = start_redis(redis["port"], redis["dir"])
    else:
        os.kill(process.pid, signal.SIGCONT)
    report["back"] = time.time()
    print("--redis-fault: redis-server back", flush=True)


# --- verification -------------------------------------------------------------------------


class Database:
    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            self.connection: Any = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30)
            self.marker = "?"
        else:
            import psycopg

            self.connection = psycopg.connect(url.replace("postgres://", "postgresql://", 1))
            self.marker = "%s"

    def rows(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        cursor = self.connection.execute(sql.replace("%s", self.marker), params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        self.connection.close()


def as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def verify(url: str, outcomes: list[dict[str, Any]]) -> list[str]:
    """What the database holds against what the clients saw; the problems found."""
    problems: list[str] = []
    db = Database(url)
    try:
        users = {
            row["username"]: row["id"] for row in db.rows("SELECT id, username FROM auth_user")
        }
        orgs = db.rows(
            "SELECT o.id, o.code, o.name, m.user_id, m.role FROM orgs_organisation o "
            "LEFT JOIN orgs_membership m ON m.org_id = o.id"
        )
        reports = db.rows(
            "SELECT r.id, r.code, r.org_id, r.title, r.inputs, r.created_by_id, "
            "(SELECT COUNT(*) FROM reports_sharelink s WHERE s.report_id = r.id) AS links, "
            "(SELECT COALESCE(SUM(s.view_count), 0) FROM reports_sharelink s "
            " WHERE s.report_id = r.id) AS views, "
            "(SELECT COUNT(*) FROM reports_sharelink s WHERE s.report_id = r.id "
            " AND s.revoked_at IS NOT NULL) AS revoked "
            "FROM reports_report r"
        )
        sessions = db.rows("SELECT token, user_id, answers, weights FROM wizard_wizardsession")
    finally:
        db.close()

    by_title: dict[str, list[dict[str, Any]]] = {}
    for row in reports:
        by_title.setdefault(row["title"], []).append(row)
    known_titles: set[str] = set()
    checked = {"users": 0, "reports": 0, "links": 0, "sessions": 0}
    for outcome in outcomes:
        name = outcome["username"]
        if not outcome["signed_up"]:
            problems.append(f"{name}: never signed up")
            continue
        user_id = users.get(name)
        if user_id is None:
            problems.append(f"{name}: the account is missing")
            continue
        checked["users"] += 1
        same_name = [row for row in orgs if row["name"] == outcome["org_name"]]
        if outcome["org_code"]:
            owned = [r for r in same_name if r["user_id"] == user_id and r["role"] == "owner"]
            if len({row["id"] for row in same_name}) != 1 or len(owned) != 1:
                problems.append(f"{name}: organisation {outcome['org_name']!r} rows {same_name}")
            elif owned[0]["code"] != outcome["org_code"]:
                problems.append(f"{name}: organisation code {owned[0]['code']} != client's")
        for report in outcome["reports"]:
            known_titles.add(report["title"])
            rows = by_title.get(report["title"], [])
            if len(rows) != 1:
                problems.append(f"{name}: report {report['title']!r} saved {len(rows)} times")
                continue
            row = rows[0]
            checked["reports"] += 1
            if row["code"] != report["code"] or row["created_by_id"] != user_id:
                problems.append(f"{name}: report {report['title']!r} has another code or author")
            inputs = as_json(row["inputs"])
            if inputs.get("answers") != report["answers"]:
                problems.append(
                    f"{name}: report {report['title']!r} answers {inputs.get('answers')} "
                    f"!= posted {report['answers']}"
                )
            if inputs.get("weights") != report["weights"]:
                problems.append(f"{name}: report {report['title']!r} weights differ from posted")
            low, high = report["links"], report["links"] + report["links_uncertain"]
            if not low <= row["links"] <= high or row["revoked"]:
                problems.append(
                    f"{name}: report {report['title']!r} has {row['links']} share links "
                    f"({row['revoked']} revoked), expected {low}..{high}"
                )
            checked["links"] += row["links"]
            if not report["views"] <= row["views"] <= report["view_attempts"]:
                problems.append(
                    f"{name}: report {report['title']!r} counted {row['views']} views, "
                    f"clients saw {report['views']} of {report['view_attempts']}"
                )
        for title in outcome["uncertain_titles"]:
            known_titles.add(title)
            if len(by_title.get(title, [])) > 1:
                problems.append(f"{name}: report {title!r} saved {len(by_title[title])} times")
        mine = [row for row in sessions if row["user_id"] == user_id]
        wizard = outcome["wizard"]
        if wizard["exists"] and len(mine) != 1:
            problems.append(f"{name}: {len(mine)} wizard sessions, expected 1")
        elif mine and wizard["certain"]:
            checked["sessions"] += 1
            if as_json(mine[0]["answers"]) != wizard["answers"]:
                problems.append(
                    f"{name}: wizard session answers {as_json(mine[0]['answers'])} "
                    f"!= posted {wizard['answers']}"
                )
            if as_json(mine[0]["weights"]) != wizard["weights"]:
                problems.append(
                    f"{name}: wizard session weights {as_json(mine[0]['weights'])} "
                    f"!= posted {wizard['weights']}"
                )
    for title, rows in by_title.items():
        if title not in known_titles:
            problems.append(f"a report no client saved: {title!r} x{len(rows)}")
    if not problems:
        print(
            f"verification OK: {checked['users']} users with one organisation each, "
            f"{checked['reports']} reports each saved exactly once with the posted answers "
            f"and weights, {checked['links']} share links, {checked['sessions']} wizard "
            f"sessions holding the last posted answers; {len(reports)} reports in the "
            f"database, no duplicates",
            flush=True,
        )
    return problems


# --- reporting ----------------------------------------------------------------------------


def percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return float("nan")
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(share * 100) - 1]


def merge(outcomes: list[dict[str, Any]]) -> Stats:
    total = Stats()
    for outcome in outcomes:
        stats: Stats = outcome["stats"]
        for kind, values in stats.latencies.items():
            total.latencies.setdefault(kind, []).extend(values)
        total.statuses.update(stats.statuses)
        total.unexpected.update(stats.unexpected)
        total.conn_errors.update(stats.conn_errors)
        total.found_by_check.update(stats.found_by_check)
        total.gave_up.update(stats.gave_up)
        total.retries += stats.retries
        total.recovered += stats.recovered
        total.journeys += stats.journeys
        total.aborted.extend(f"{outcome['username']}: {a}" for a in stats.aborted)
        total.crashes.extend(f"{outcome['username']}: {c}" for c in stats.crashes)
    return total


def print_figures(stats: Stats, elapsed: float, outcomes: list[dict[str, Any]]) -> int:
    requests = sum(len(values) for values in stats.latencies.values())
    print(f"\n{'page':<16} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind in EXPECTED:
        values = sorted(stats.latencies.get(kind, []))
        if not values:
            continue
        print(
            f"{kind:<16} {len(values):>8} {percentile(values, 0.50):>8.1f} "
            f"{percentile(values, 0.95):>8.1f} {percentile(values, 0.99):>8.1f} {values[-1]:>8.1f}"
        )
    every = sorted(ms for values in stats.latencies.values() for ms in values)
    print(
        f"{'all':<16} {requests:>8} {percentile(every, 0.50):>8.1f} "
        f"{percentile(every, 0.95):>8.1f} {percentile(every, 0.99):>8.1f} "
        f"{(every or [float('nan')])[-1]:>8.1f}"
    )
    reports = sum(len(outcome["reports"]) for outcome in outcomes)
    print(
        f"\ntotal {requests} requests in {elapsed:.1f} s = {requests / elapsed:.1f} requests/s; "
        f"{stats.journeys} complete journeys, {reports} reports saved"
    )
    print(
        "responses by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(stats.statuses.items()))
    )
    fivexx = sum(n for status, n in stats.statuses.items() if status >= 500)
    print(
        f"errors: 5xx {fivexx}; unexpected {dict(stats.unexpected) or 0}; connection-level "
        f"{dict(stats.conn_errors) or 0} -> retries {stats.retries}, answered on retry "
        f"{stats.recovered}, already done (found by the check) {dict(stats.found_by_check) or 0}, "
        f"given up {dict(stats.gave_up) or 0}"
    )
    for line in stats.aborted[:10]:
        print(f"  aborted journey: {line}")
    for line in stats.crashes[:3]:
        print(f"  CLIENT CRASH: {line}")
    return fivexx


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=8, help="simulated users")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the load runs")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-database", default="advisor_load", help="created and dropped")
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL a worker midway")
    parser.add_argument(
        "--redis-fault",
        choices=("kill", "freeze"),
        default=None,
        help="run with its own Redis and SIGKILL (or SIGSTOP) it from 1/3 to 2/3 of the time",
    )
    parser.add_argument("--client-processes", type=int, default=2, help="load processes")
    parser.add_argument("--seed", type=int, default=None, help="for the random answers")
    parser.add_argument(
        "--min-journeys",
        type=int,
        default=0,
        help="each user goes on past --seconds (up to 3 minutes) until it has completed "
        "this many whole journeys, so a busy machine still proves something",
    )
    parser.add_argument(
        "--lose-responses",
        type=float,
        default=0.0,
        metavar="FRACTION",
        help="client-side fault: drop this share of the answers to creating POSTs (sign-up, "
        "organisation, report, share link) as if the connection had been reset after the "
        "server did the work, to exercise the check-before-retry",
    )
    args = parser.parse_args()
    if not re.fullmatch(r"advisor_load\w*", args.pg_database):
        parser.error("--pg-database must start with advisor_load (it is dropped)")
    seed = args.seed if args.seed is not None else secrets.randbelow(1_000_000)

    t_start = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="advisor-load-"))
    env = server_env(workdir)
    env["DJANGO_STATIC_ROOT"] = str(collected_static(env))
    created_pg = False
    server = None
    redis: dict[str, Any] = {}
    failures: list[str] = []
    try:
        if args.database == "postgres":
            env["DATABASE_URL"] = f"postgres://postgres@{HOST}:5432/{args.pg_database}"
            pg_admin(f'DROP DATABASE IF EXISTS "{args.pg_database}" WITH (FORCE)')
            pg_admin(f'CREATE DATABASE "{args.pg_database}"')
            created_pg = True
            started = time.monotonic()
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=300,
            )
            print(f"database: migrated {args.pg_database} in {time.monotonic() - started:.1f} s")
        else:
            migrated_sqlite(env, Path(env["DATABASE_URL"].removeprefix("sqlite:///")))
        port = free_port()
        log = workdir / "gunicorn.log"
        if args.redis_fault:
            redis.update(port=free_port(), dir=workdir)
            redis["process"] = start_redis(redis["port"], workdir)
            env["REDIS_URL"] = f"redis://{HOST}:{redis['port']}/0"
        server = start_gunicorn(env, port, args.workers, log)
        wait_healthy(port, server)
        t_ready = time.monotonic()
        print(
            f"gunicorn -w {args.workers} --threads 1 on {HOST}:{port} (production settings, "
            f"{args.database}); {args.users} users over {args.client_processes} client "
            f"processes for {args.seconds:g} s; seed {seed}; {os.cpu_count()} CPUs, load "
            f"average {os.getloadavg()[0]:.1f}",
            flush=True,
        )

        tag = secrets.token_hex(3)
        names = [(i, f"load{tag}u{i}") for i in range(args.users)]
        processes = max(1, min(args.client_processes, args.users))
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        begin = time.time() + SPAWN_SLACK
        stop_at = begin + args.seconds
        clients = [
            context.Process(
                target=client_process,
                args=(
                    port,
                    names[i::processes],
                    begin,
                    stop_at,
                    seed,
                    args.lose_responses,
                    queue,
                    args.min_journeys,
                ),
                daemon=True,
            )
            for i in range(processes)
        ]
        for client in clients:
            client.start()
        kill: dict[str, Any] = {}
        killer = None
        if args.kill_worker:
            killer = threading.Thread(
                target=kill_worker_later,
                args=(server.pid, begin + args.seconds / 2, args.workers, kill),
                daemon=True,
            )
            killer.start()
        fault: dict[str, Any] = {}
        faulter = None
        if args.redis_fault:
            faulter = threading.Thread(
                target=redis_fault_later,
                args=(
                    redis,
                    args.redis_fault,
                    begin + args.seconds / 3,
                    begin + 2 * args.seconds / 3,
                    fault,
                ),
                daemon=True,
            )
            faulter.start()
        time.sleep(max(0.0, begin - time.time()))
        cpu_before = server_cpu_seconds(server.pid)
        outcomes: list[dict[str, Any]] = []
        received = 0
        while received < len(clients):
            try:
                outcomes.extend(queue.get(timeout=1.0))
                received += 1
            except queue_module.Empty:
                extension = MIN_JOURNEYS_EXTENSION if args.min_journeys else 0.0
                if time.time() > stop_at + GRACE + extension:
                    failures.append("a client process did not finish in time")
                    break
                if all(client.exitcode is not None for client in clients):
                    failures.append("a client process died without its results")
                    break
        cpu_after = server_cpu_seconds(server.pid)
        for client in clients:
            client.join(5)
            if client.is_alive():
                client.terminate()
        if killer is not None:
            killer.join(60)
        if faulter is not None:
            faulter.join(60)
            if "back" not in fault:
                failures.append("--redis-fault: Redis was not brought back")

        elapsed = max((o["finished_at"] for o in outcomes), default=stop_at) - begin
        stats = merge(outcomes)
        fivexx = print_figures(stats, elapsed, outcomes)
        if cpu_before is not None and cpu_after is not None:
            requests = sum(len(v) for v in stats.latencies.values()) or 1
            print(
                f"server CPU {cpu_after - cpu_before:.1f} s = "
                f"{(cpu_after - cpu_before) / requests * 1000:.1f} ms/request (signups hash "
                "a password)"
            )
        if args.kill_worker:
            if "pid" not in kill:
                failures.append(f"--kill-worker: nothing killed ({kill.get('error')})")
            elif "replaced_after" not in kill:
                failures.append(f"--kill-worker: worker {kill['pid']} was not replaced")
            else:
                print(
                    f"--kill-worker: worker {kill['pid']} killed at "
                    f"{kill['at'] - begin:.1f} s, replaced by {kill['new']} after "
                    f"{kill['replaced_after']:.1f} s"
                )
        if fivexx:
            failures.append(f"{fivexx} responses 5xx")
        if stats.unexpected:
            failures.append(f"unexpected responses {dict(stats.unexpected)}")
        if stats.gave_up:
            failures.append(f"requests given up after {RETRIES} retries {dict(stats.gave_up)}")
        if stats.crashes:
            failures.append(f"{len(stats.crashes)} client crashes")
        if len(outcomes) != args.users:
            failures.append(f"results from {len(outcomes)} of {args.users} users")
        if stats.aborted:
            failures.append(f"{len(stats.aborted)} journeys broken off (see above)")
        if not any(o["reports"] for o in outcomes):
            failures.append("no report saved at all")
        idle = [o["username"] for o in outcomes if not o["reports"]]
        if idle:
            print(f"note: users who saved no report in the time: {idle}")

        t_stop = time.monotonic()
        stop(server)
        server_log = log.read_text(errors="replace") if log.exists() else ""
        locked = server_log.lower().count("database is locked")
        tracebacks = server_log.count("Traceback")
        print(f'gunicorn error log: {locked} "database is locked", {tracebacks} tracebacks')
        if locked:
            failures.append(f'{locked} "database is locked" in the gunicorn error log')
        interesting = [
            line
            for line in server_log.splitlines()
            if line.strip() and "was sent SIGKILL" not in line and "Booting worker" not in line
        ]
        if interesting:
            print("gunicorn error log (tail):\n  " + "\n  ".join(interesting[-25:]))

        t_verify = time.monotonic()
        problems = verify(env["DATABASE_URL"], outcomes)
        if problems:
            print("verification FAILED:\n  " + "\n  ".join(problems[:30]))
            failures.append(f"verification: {len(problems)} problems")
    finally:
        if server is not None:
            stop(server)
        if "process" in redis:
            with contextlib.suppress(ProcessLookupError):
                os.kill(redis["process"].pid, signal.SIGCONT)
            redis["process"].kill()
            redis["process"].wait(10)
        if created_pg:
            with contextlib.suppress(Exception):
                pg_admin(f'DROP DATABASE IF EXISTS "{args.pg_database}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)

    with contextlib.suppress(NameError):
        print(
            f"timings: set-up {t_ready - t_start:.1f} s, load {t_stop - t_ready:.1f} s, "
            f"stop {t_verify - t_stop:.1f} s, verify {time.monotonic() - t_verify:.1f} s"
        )
    if failures:
        print("\nFAIL: " + "; ".join(failures))
        return 1
    print("\nPASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
