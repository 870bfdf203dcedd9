"""Slow headers and slow bodies from one address against nginx in front of gunicorn.

Run from the repo root: ``.venv/bin/python bench/slow_clients.py`` (``--help`` for options).

It starts gunicorn (production settings, 3 workers) and Debian's nginx with the shipped
``deploy/nginx/advisor.conf.template`` and the ``worker_connections`` of
``deploy/nginx/nginx.conf``, all on loopback. Then, from 127.0.0.2, it opens
``--bodies`` connections that send a POST's headers and then one body byte every
``--body-gap`` seconds (the attack of issue 28: 2,100 connections, a byte every 8 s) and
``--headers`` connections that send their headers a byte every 2 s, and keeps them going
for ``--seconds``, while a probe from 127.0.0.1 asks ``/healthz`` every second. It prints
how many probes were answered 200 and what the slow connections were answered. Passes
(exit 0) when every probe was answered 200.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_api import HOST, free_port, server_env, stop, wait_healthy
from load import collected_static, migrated_sqlite, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
ATTACKER = "127.0.0.2"
MAIN_CONF = """
daemon off;
worker_processes 1;
worker_rlimit_nofile {files};
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections {connections}; }}
http {{
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/advisor.conf;
}}
"""


def start_nginx(tmp: Path, app_port: int, proxy_port: int) -> subprocess.Popen:
    main = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text()
    connections = int(re.search(r"worker_connections (\d+);", main).group(1))  # type: ignore[union-attr]
    files = int(re.search(r"worker_rlimit_nofile (\d+);", main).group(1))  # type: ignore[union-attr]
    conf = (ROOT / "deploy" / "nginx" / "advisor.conf.template").read_text()
    conf = conf.replace("${ADVISOR_UPSTREAM}", f"{HOST}:{app_port}")
    conf = conf.replace("${NGINX_PORT}", f"{HOST}:{proxy_port}")
    conf = conf.replace("/dev/stdout", str(tmp / "access.log"))
    (tmp / "advisor.conf").write_text(conf)
    (tmp / "nginx.conf").write_text(MAIN_CONF.format(tmp=tmp, connections=connections, files=files))
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    print(f"nginx: worker_connections {connections} (deploy/nginx/nginx.conf)", flush=True)
    return subprocess.Popen([binary, "-c", str(tmp / "nginx.conf"), "-p", str(tmp)])


def probe(port: int) -> int | str:
    try:
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        connection.request("GET", "/healthz")
        status = connection.getresponse().status
        connection.close()
        return status
    except OSError as exc:
        return type(exc).__name__


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bodies", type=int, default=2100, help="slow-body connections")
    parser.add_argument("--headers", type=int, default=200, help="slow-header connections")
    parser.add_argument("--body-gap", type=float, default=8.0, help="seconds between bytes")
    parser.add_argument("--seconds", type=float, default=45.0)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="advisor-slow-"))
    env = server_env(tmp)
    env["DJANGO_STATIC_ROOT"] = str(collected_static(env))
    migrated_sqlite(env, Path(env["DATABASE_URL"].removeprefix("sqlite:///")))
    app_port, proxy_port = free_port(), free_port()
    server = start_gunicorn(env, app_port, 3, tmp / "gunicorn.log")
    nginx = None
    clients: list[socket.socket] = []
    try:
        wait_healthy(app_port, server)
        nginx = start_nginx(tmp, app_port, proxy_port)
        wait_healthy(proxy_port, server)
        body = (
            b"POST /api/v1/recommend HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
        )
        kinds: dict[socket.socket, str] = {}
        refused_connect = 0
        for kind, count, first in (
            ("body", args.bodies, body),
            ("header", args.headers, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "),
        ):
            for _ in range(count):
                try:
                    sock = socket.create_connection(
                        (HOST, proxy_port), timeout=5, source_address=(ATTACKER, 0)
                    )
                    sock.sendall(first)
                except OSError:
                    refused_connect += 1
                    continue
                sock.setblocking(False)
                clients.append(sock)
                kinds[sock] = kind
        print(
            f"opened {len(clients)} slow connections from {ATTACKER} "
            f"({refused_connect} could not connect); probing from {HOST} for {args.seconds:g} s",
            flush=True,
        )
        answers: Counter[str] = Counter()
        finished: set[socket.socket] = set()
        probes: Counter[int | str] = Counter()
        started = time.monotonic()
        next_body = started + args.body_gap
        next_header = started + 2
        next_probe = started
        while time.monotonic() - started < args.seconds:
            now = time.monotonic()
            if now >= next_probe:
                probes[probe(proxy_port)] += 1
                next_probe = now + 1
            live = [sock for sock in clients if sock not in finished]
            poller = select.poll()  # select() stops at 1,024 descriptors
            by_fd = {sock.fileno(): sock for sock in live}
            for fd in by_fd:
                poller.register(fd, select.POLLIN)
            readable = [by_fd[fd] for fd, _ in poller.poll(200)] if live else []
            for sock in readable:
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                status = data[9:12].decode() if data.startswith(b"HTTP/") else "closed"
                answers[f"{kinds[sock]} {status}"] += 1
                finished.add(sock)
            for kind, due in (("body", next_body), ("header", next_header)):
                if now < due:
                    continue
                for sock in live:
                    if kinds[sock] == kind and sock not in finished:
                        with contextlib.suppress(OSError):
                            sock.send(b" " if kind == "body" else b"x")
                if kind == "body":
                    next_body = now + args.body_gap
                else:
                    next_header = now + 2
        held = Counter(kinds[sock] for sock in clients if sock not in finished)
        total = sum(probes.values())
        print(f"probes from {HOST}: {probes[200]} of {total} answered 200; all: {dict(probes)}")
        print(f"slow connections answered: {dict(answers)}; still held at the end: {dict(held)}")
        return 0 if probes[200] == total else 1
    finally:
        for sock in clients:
            sock.close()
        if nginx is not None:
            nginx.terminate()
            nginx.wait(10)
        stop(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
