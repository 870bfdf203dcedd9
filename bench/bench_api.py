"""Load-test the API under production settings: POST /api/v1/recommend against a static file.

Run from the repo root with the project's virtualenv: ``.venv/bin/python bench/bench_api.py``
(``--help`` for options). It migrates a throwaway SQLite database, collects static files into
a temporary directory, starts ``gunicorn advisor.wsgi:application -w 3 --threads 1`` on a
free local port, then drives it with keep-alive HTTP/1.1 connections for a fixed time per
target and prints requests/s, p50/p99 latency and errors, and the recommend/static ratio.

The load generator is plain Python (``http.client``, one thread per connection) spread over
several processes so that one client's GIL is not the bottleneck. It shares the CPUs with
gunicorn, so absolute figures are lower bounds; the server's CPU time per request (read
from /proc on Linux) and the ratio are the figures to compare (target ratio >= 0.5).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
STATIC_NAME = "bootstrap/css/bootstrap.min.css"
ANSWERS = {
    "data_sensitivity": "sensitive",
    "requests_per_day": 5000,
    "team_capacity": "ml_team",
    "customization": "standard",
    "stage": "production",
    "uptime": "mission_critical",
    "frontier_capability": "not_needed",
    "workload_mix": "single_task",
}
#: What a browser sends: whitenoise then serves the pre-compressed file.
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br", "Accept": "*/*"}
SPAWN_SLACK = 2.0  # seconds for the client processes to start before the clock runs


@dataclass(frozen=True)
class Target:
    name: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    latencies_ms: list[float]
    errors: int
    bytes_read: int


# --- server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(workdir: Path) -> dict[str, str]:
    """Production settings: no DJANGO_DEBUG, a throwaway secret, SQLite in ``workdir``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GUNICORN_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="advisor.settings",
        DJANGO_SECRET_KEY="bench-not-a-secret-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
    )
    return env


def prepare(env: dict[str, str]) -> None:
    for command in ("migrate", "collectstatic"):
        subprocess.run(
            [sys.executable, "manage.py", command, "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=600,
        )


def start_gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "advisor.wsgi:application",
        *("-w", str(workers), "--threads", "1", "-b", f"{HOST}:{port}"),
        *("--access-logfile", "/dev/null", "--error-logfile", str(log)),
        *("--log-level", "warning"),
        # gunicorn.conf.py recycles a worker every ~5,000 requests; in a short benchmark that
        # restart (a cold Django import) would land on whichever target happens to run.
        *("--max-requests", "0"),
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL)


def wait_healthy(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            healthy = connection.getresponse().status == 200
            connection.close()
            if healthy:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz in time")


def stop(server: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM (graceful), then SIGKILL after ``timeout`` seconds."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(5)


def server_cpu_seconds(master: int) -> float | None:
    """User + system CPU of the gunicorn master and its workers (Linux only)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    try:
        pids = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    except FileNotFoundError:
        return None
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(pid) == master or fields[1] == str(master):
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def static_path(static_root: Path) -> str:
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"][STATIC_NAME]


# --- load generator ---------------------------------------------------------------------


def drive(
    port: int, target: Target, begin: float, measure_from: float, stop_at: float, out: list[Result]
) -> None:
    """One keep-alive connection sending ``target`` back to back; times are epoch seconds."""
    headers = {"Host": HOST, **target.headers}
    latencies: list[float] = []
    errors = received = 0
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    time.sleep(max(0.0, begin - time.time()))
    while (now := time.time()) < stop_at:
        started = time.perf_counter()
        try:
            connection.request(target.method, target.path, body=target.body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            ok = response.status == 200
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException):
            ok, payload = False, b""
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=10)
        if now >= measure_from:
            latencies.append((time.perf_counter() - started) * 1000)
            errors += not ok
            received += len(payload)
    connection.close()
    out.append(Result(latencies, errors, received))


def client_process(
    port: int,
    target: Target,
    connections: int,
    schedule: tuple[float, ...],
    queue: multiprocessing.Queue,
) -> None:
    results: list[Result] = []
    threads = [
        threading.Thread(target=drive, args=(port, target, *schedule, results))
        for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(results)


def run_load(
    port: int, master: int, target: Target, args: argparse.Namespace
) -> tuple[Result, float | None]:
    """``args.connections`` connections over ``args.client_processes`` processes, all on one
    wall-clock schedule: start, warm up, then measure for ``args.seconds``."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    begin = time.time() + SPAWN_SLACK
    measure_from = begin + args.warmup
    stop_at = measure_from + args.seconds
    processes = args.client_processes
    shares = [
        args.connections // processes + (i < args.connections % processes) for i in range(processes)
    ]
    clients = [
        context.Process(
            target=client_process,
            args=(port, target, share, (begin, measure_from, stop_at), queue),
        )
        for share in shares
        if share
    ]
    for client in clients:
        client.start()
    time.sleep(max(0.0, measure_from - time.time()))
    cpu_before = server_cpu_seconds(master)
    time.sleep(max(0.0, stop_at - time.time()))
    cpu_after = server_cpu_seconds(master)
    results: list[Result] = []
    for _ in clients:
        results.extend(queue.get(timeout=60))
    for client in clients:
        client.join(10)
    merged = Result(
        latencies_ms=[ms for result in results for ms in result.latencies_ms],
        errors=sum(result.errors for result in results),
        bytes_read=sum(result.bytes_read for result in results),
    )
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return merged, cpu


def report(name: str, result: Result, seconds: float, server_cpu: float | None) -> float:
    count = len(result.latencies_ms)
    rate = count / seconds
    if count >= 2:
        p50 = statistics.median(result.latencies_ms)
        p99 = statistics.quantiles(result.latencies_ms, n=100, method="inclusive")[98]
    else:
        p50 = p99 = float("nan")
    size = result.bytes_read / count / 1024 if count else 0.0
    cpu = f"{server_cpu / count * 1000:5.2f} ms" if server_cpu is not None and count else "n/a"
    print(
        f"{name:<10} {rate:8.1f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
        f"errors {result.errors}/{count}  {size:5.1f} KiB/response  server CPU/request {cpu}",
        flush=True,
    )
    return rate


def check_recommend(port: int, target: Target) -> None:
    """Fail early if the endpoint does not answer what we think it does."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request(target.method, target.path, body=target.body, headers=target.headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    encoding = response.getheader("Content-Encoding", "identity")
    if encoding == "gzip":
        body = gzip.decompress(body)
    if response.status != 200:
        raise SystemExit(f"recommend answered {response.status}: {body[:300]!r}")
    print(f"recommend answers top={json.loads(body)['top']} ({len(body)} bytes, {encoding})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per target")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured time before")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--client-processes", type=int, default=4, help="load processes")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument(
        "--identity", action="store_true", help="fetch the static file uncompressed"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    env = server_env(workdir)
    server = None
    try:
        print(f"preparing {workdir}: migrate, collectstatic ...", flush=True)
        prepare(env)
        port = free_port()
        log = workdir / "gunicorn.log"
        server = start_gunicorn(env, port, args.workers, log)
        wait_healthy(port, server)
        static = Target(
            "static",
            "GET",
            static_path(workdir / "static"),
            headers={} if args.identity else BROWSER_HEADERS,
        )
        recommend = Target(
            "recommend",
            "POST",
            "/api/v1/recommend",
            json.dumps({"answers": ANSWERS}).encode(),
            {"Content-Type": "application/json", **BROWSER_HEADERS},
        )
        check_recommend(port, recommend)
        print(
            f"gunicorn -w {args.workers} --threads 1 on {HOST}:{port}; {args.connections} "
            f"keep-alive connections from {args.client_processes} client processes; "
            f"{args.seconds:g} s per target after {args.warmup:g} s warm-up; "
            f"{os.cpu_count()} CPUs shared by server and clients; load average "
            f"{os.getloadavg()[0]:.1f}\nstatic file {static.path} "
            f"({'uncompressed' if args.identity else 'Accept-Encoding: gzip, deflate, br'})",
            flush=True,
        )
        rates = {}
        for target in (static, recommend):
            result, cpu = run_load(port, server.pid, target, args)
            rates[target.name] = report(target.name, result, args.seconds, cpu)
        ratio = rates["recommend"] / rates["static"] if rates["static"] else float("nan")
        verdict = "met" if ratio >= 0.5 else "NOT met"
        print(f"ratio recommend/static {ratio:.2f} (target >= 0.5 {verdict})")
        errors = log.read_text().strip()
        if errors:
            print("gunicorn error log (tail):\n" + errors[-2000:])
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
