"""Load-test the wizard under production settings beside a static file, in one run.

Run from the repo root: ``.venv/bin/python bench/bench_wizard.py`` (``--help`` for options).
Like ``bench_api.py`` (whose server and load-generator helpers it reuses) it migrates a
throwaway SQLite database, starts ``gunicorn -w 3 --threads 1`` with production settings and
drives each target for a fixed time over 8 keep-alive connections, then prints requests/s,
p50/p99 and errors, and each page's throughput as a ratio to the static file's.

Targets: the landing page, a wizard step (htmx GET), answering a step (htmx POST: validates,
saves the answer and renders the next step) and the result page. All connections share one
wizard session, created through the site as a visitor would (a preset, then the result once,
which also draws and caches the cost chart).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import sys
import tempfile
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_api import (
    BROWSER_HEADERS,
    HOST,
    Target,
    free_port,
    prepare,
    report,
    run_load,
    server_env,
    start_gunicorn,
    static_path,
    stop,
    wait_healthy,
)

TARGETS = {"landing": 0.3, "step": 0.25, "answer": 0.25, "result": None}
P99_LIMIT_MS = 50.0


def visit(port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request(method, path, body=body, headers={"Host": HOST, **headers})
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response, payload


def start_session(port: int) -> dict[str, str]:
    """Cookies and CSRF token of a visitor who started from a preset."""
    cookies: dict[str, str] = {}

    def remember(response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                cookies[name] = morsel.value

    def cookie_header() -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}

    response, page = visit(port, "GET", "/wizard/step/requests_per_day/", cookie_header())
    remember(response)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if response.status != 200 or token is None or "csrftoken" not in cookies:
        raise SystemExit(f"could not start a wizard session ({response.status})")
    csrf = {"X-CSRFToken": token.group(1).decode()}
    response, _ = visit(port, "POST", "/wizard/?preset=high-volume", cookie_header() | csrf)
    remember(response)
    response, _ = visit(port, "GET", "/wizard/result/", cookie_header())
    if response.status != 200:
        raise SystemExit(f"result page answered {response.status}")
    return {**cookie_header(), "X-CSRFToken": token.group(1).decode()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="measured time per target")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured time before")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--client-processes", type=int, default=4, help="load processes")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-wizard-"))
    env = server_env(workdir)
    server = None
    try:
        print(f"preparing {workdir}: migrate, collectstatic ...", flush=True)
        prepare(env)
        port = free_port()
        log = workdir / "gunicorn.log"
        server = start_gunicorn(env, port, args.workers, log)
        wait_healthy(port, server)
        session = start_session(port)
        htmx = {"HX-Request": "true", **BROWSER_HEADERS, **session}
        answer = urlencode({"answer": "5000"}).encode()
        targets = [
            Target("static", "GET", static_path(workdir / "static"), headers=BROWSER_HEADERS),
            Target("landing", "GET", "/", headers=BROWSER_HEADERS),
            Target("step", "GET", "/wizard/step/requests_per_day/", headers=htmx),
            Target(
                "answer",
                "POST",
                "/wizard/step/requests_per_day/",
                answer,
                {**htmx, "Content-Type": "application/x-www-form-urlencoded"},
            ),
            Target("result", "GET", "/wizard/result/", headers={**BROWSER_HEADERS, **session}),
        ]
        print(
            f"gunicorn -w {args.workers} --threads 1 on {HOST}:{port}; {args.connections} "
            f"keep-alive connections from {args.client_processes} client processes; "
            f"{args.seconds:g} s per target after {args.warmup:g} s warm-up; "
            f"{os.cpu_count()} CPUs shared by server and clients; load average "
            f"{os.getloadavg()[0]:.1f}",
            flush=True,
        )
        rates, p99s, errors = {}, {}, 0
        for target in targets:
            result, cpu = run_load(port, server.pid, target, args)
            rates[target.name] = report(target.name, result, args.seconds, cpu)
            ordered = sorted(result.latencies_ms)
            p99s[target.name] = ordered[int(len(ordered) * 0.99) - 1] if ordered else float("nan")
            errors += result.errors
        for name, minimum in TARGETS.items():
            ratio = rates[name] / rates["static"] if rates["static"] else float("nan")
            goal = ""
            if minimum is not None:
                goal = f" (target >= {minimum}: {'met' if ratio >= minimum else 'NOT met'})"
            print(f"ratio {name}/static {ratio:.2f}{goal}")
        worst = max(p99s[name] for name in TARGETS)
        verdict = "met" if worst < P99_LIMIT_MS else "NOT met"
        print(f"worst page p99 {worst:.1f} ms (target < {P99_LIMIT_MS:g} ms: {verdict})")
        print(f"errors {errors}")
        log_text = log.read_text().strip()
        if log_text:
            print("gunicorn error log (tail):\n" + log_text[-2000:])
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
