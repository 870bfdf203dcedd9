"""The shipped production shape, nginx in front of gunicorn, survives what gunicorn alone
does not.

Found in the attack: a few clients sending their request headers slowly stalled every
gunicorn thread (the site stopped answering), and a 413 left a keep-alive connection
broken for the next request. Later (issue 28): 2,100 connections from one address, each
sending its body a byte at a time, took every nginx connection (the site answered none of
23 probes for 45 s), and a client's own ``X-Forwarded-Proto: https`` over plain HTTP got
HSTS. The slow clients here come from 127.0.0.2 and the probes from 127.0.0.1 (both
loopback), and nginx runs with a small ``worker_connections`` so a bounded number of
connections shows what thousands would.

gunicorn runs here with ``gunicorn.conf.py`` (one worker, one thread, so a single slow
client is enough) behind Debian's nginx running ``deploy/nginx/advisor.conf.template`` as
``compose.yaml`` ships it. ``bin/ensure-nginx`` (run by ``make test``) installs nginx.
"""

from __future__ import annotations

import json
import re
import select
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.foundation.test_gunicorn import free_port
from tests.foundation.test_settings import ROOT, production_env, run_manage

TEMPLATE = ROOT / "deploy" / "nginx" / "advisor.conf.template"
MAIN = ROOT / "deploy" / "nginx" / "nginx.conf"
SLOW_CLIENTS = 8
#: nginx's connections in this test: fewer than the slow bodies below, so without a limit
#: per address they take them all (compose's nginx.conf has 16,384 per worker).
TEST_WORKER_CONNECTIONS = 96
SLOW_BODIES = 120
ATTACKER = "127.0.0.2"
BALANCER = "127.0.0.3"  # listed as a load balancer in the test's copy of the template
ANSWER_WITHIN = 15  # seconds: far more than a healthy answer needs, far less than "never"

MAIN_CONF = """
daemon off;
worker_processes 1;
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


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        pytest.fail("nginx is not installed: run bin/ensure-nginx (make test does)")
    return found


def wait_for(url: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).close()  # noqa: S310 - loopback only
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process.poll() is not None:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"{what} exited: {output}")
            time.sleep(0.2)
    pytest.fail(f"{what} did not start")


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, collected_static: Path
) -> Iterator[dict[str, object]]:
    tmp = tmp_path_factory.mktemp("shape")
    app_port, proxy_port = free_port(), free_port()
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(collected_static),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        GUNICORN_BIND=f"127.0.0.1:{app_port}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="1",
    )
    done = run_manage("migrate", "--verbosity", "0", env=env)
    assert done.returncode == 0, done.stderr
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "advisor.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app = f"http://127.0.0.1:{app_port}"
    wait_for(app + "/healthz", gunicorn, "gunicorn")

    conf = TEMPLATE.read_text().replace("${ADVISOR_UPSTREAM}", f"127.0.0.1:{app_port}")
    conf = conf.replace("${NGINX_PORT}", f"127.0.0.1:{proxy_port}")
    conf = conf.replace("/dev/stdout", str(tmp / "access.log"))
    listed = {
        "    # 10.0.0.0/8 1;\n": f"    {BALANCER} 1;\n",
        "    # set_real_ip_from 10.0.0.0/8;\n": f"    set_real_ip_from {BALANCER};\n",
    }
    for example, line in listed.items():
        assert example in conf
        conf = conf.replace(example, line)
    (tmp / "advisor.conf").write_text(conf)
    (tmp / "nginx.conf").write_text(MAIN_CONF.format(tmp=tmp, connections=TEST_WORKER_CONNECTIONS))
    nginx = subprocess.Popen(
        [nginx_binary(), "-c", str(tmp / "nginx.conf"), "-p", str(tmp)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    proxy = f"http://127.0.0.1:{proxy_port}"
    wait_for(proxy + "/healthz", nginx, "nginx")
    yield {"app_port": app_port, "proxy_port": proxy_port, "proxy": proxy, "tmp": tmp}
    for process in (nginx, gunicorn):
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def slow_clients(port: int, count: int = SLOW_CLIENTS) -> list[socket.socket]:
    """Connections that start a request and never finish its headers."""
    clients = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        clients.append(sock)
    return clients


def exchange(sock: socket.socket, request: bytes) -> bytes:
    """Send one request on ``sock`` and read one whole response (Content-Length framed)."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def test_slow_clients_do_not_stall_the_site_behind_nginx(stack) -> None:
    clients = slow_clients(stack["proxy_port"])
    try:
        with urllib.request.urlopen(  # noqa: S310 - loopback only
            stack["proxy"] + "/healthz", timeout=ANSWER_WITHIN
        ) as response:
            assert response.status == 200
        with urllib.request.urlopen(stack["proxy"] + "/", timeout=ANSWER_WITHIN) as response:  # noqa: S310
            assert response.status == 200
    finally:
        for sock in clients:
            sock.close()


def test_the_same_slow_clients_stall_gunicorn_alone(stack) -> None:
    """The control: without nginx, one slow client holds gunicorn's only thread."""
    clients = slow_clients(stack["app_port"], count=2)
    try:
        # A read timeout: no answer while they hold on.
        with pytest.raises((TimeoutError, urllib.error.URLError)):
            urllib.request.urlopen(f"http://127.0.0.1:{stack['app_port']}/healthz", timeout=3)
    finally:
        for sock in clients:
            sock.close()


def test_a_413_is_json_for_the_api_and_says_the_connection_closes(stack) -> None:
    """gunicorn alone answered "keep-alive" and then dropped the connection (it drains at
    most 64 KiB of an unread body), so the client's next request on it failed."""
    body = b'{"answers": {}, "pad": "' + b"x" * 200_000 + b'"}'
    with socket.create_connection(("127.0.0.1", stack["proxy_port"]), timeout=30) as sock:
        first = exchange(
            sock,
            b"POST /api/v1/recommend HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body,
        )
        head, _, payload = first.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413")
        assert b"connection: close" in head.lower()
        assert json.loads(payload)["errors"]["body"]
        assert sock.recv(1) == b""  # closed, as announced (after nginx's lingering close)
    with urllib.request.urlopen(stack["proxy"] + "/healthz", timeout=ANSWER_WITHIN) as again:  # noqa: S310
        assert again.status == 200


def test_the_client_address_reaches_the_app_and_tokens_stay_out_of_the_log(stack) -> None:
    token = "AbcdefghijklmnopqrstuvwxyzABCDEF"
    request = urllib.request.Request(  # noqa: S310 - loopback only
        f"{stack['proxy']}/s/{token}/", headers={"X-Forwarded-For": "198.51.100.9"}
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=ANSWER_WITHIN)  # noqa: S310
    assert raised.value.code == 404
    time.sleep(0.5)  # nginx writes its access log line after the response
    log = (stack["tmp"] / "access.log").read_text()
    assert "/s/[redacted]/" in log
    assert token not in log


def per_address_limit() -> int:
    match = re.search(r"^\s*limit_conn advisor_per_address (\d+);", TEMPLATE.read_text(), re.M)
    assert match is not None, "no per-address connection limit in the template"
    return int(match.group(1))


def test_slow_bodies_from_one_address_do_not_stall_the_site(stack) -> None:
    """More slow bodies from one address than nginx has connections, each kept alive with a
    byte now and then: the address keeps its limit's worth, the rest are answered 429 and
    closed, and everyone else is served."""
    limit = per_address_limit()
    assert limit < TEST_WORKER_CONNECTIONS // 2
    head = (
        b"POST /api/v1/recommend HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
    )
    clients: list[socket.socket] = []
    answers: dict[socket.socket, bytes] = {}
    closed: set[socket.socket] = set()
    try:
        for _ in range(SLOW_BODIES):
            sock = socket.create_connection(
                ("127.0.0.1", stack["proxy_port"]), timeout=10, source_address=(ATTACKER, 0)
            )
            sock.sendall(head)  # the kernel takes it even while nginx has no room
            clients.append(sock)
        # Wait until nginx has closed all but the ones it holds (a refusal lingers a few
        # seconds for the unread body), trickling a byte every 2 s (well inside
        # client_body_timeout) to those it holds, as the attack did.
        deadline = time.monotonic() + 40
        trickle_at = time.monotonic() + 2
        while time.monotonic() < deadline:
            open_ = [sock for sock in clients if sock not in closed]
            if len(open_) <= limit:
                break
            readable, _, _ = select.select(open_, [], [], 0.5)
            for sock in readable:
                try:
                    data = sock.recv(65536)
                except ConnectionResetError:
                    data = b""
                if data:
                    answers[sock] = answers.get(sock, b"") + data
                else:
                    closed.add(sock)
            if time.monotonic() >= trickle_at:
                trickle_at = time.monotonic() + 2
                held = [s for s in clients if s not in closed and s not in answers]
                pending, _, _ = select.select(held, [], [], 0)  # read before writing
                for sock in held:
                    if sock not in pending:
                        sock.send(b" ")
        held = [sock for sock in clients if sock not in closed and sock not in answers]
        # Everyone else is served meanwhile.
        with urllib.request.urlopen(  # noqa: S310 - loopback only
            stack["proxy"] + "/healthz", timeout=ANSWER_WITHIN
        ) as response:
            assert response.status == 200
        with urllib.request.urlopen(stack["proxy"] + "/", timeout=ANSWER_WITHIN) as response:  # noqa: S310
            assert response.status == 200
    finally:
        for sock in clients:
            sock.close()
    statuses = Counter(answer[:12] for answer in answers.values())
    assert len(held) <= limit, (len(held), statuses)
    assert statuses[b"HTTP/1.1 429"] > 0, statuses
    assert set(statuses) <= {b"HTTP/1.1 429", b"HTTP/1.1 408"}, statuses


def fetch_headers(path: str, headers: dict[str, str], source: str, port: int) -> bytes:
    with socket.create_connection(
        ("127.0.0.1", port), timeout=10, source_address=(source, 0)
    ) as sock:
        lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{lines}Connection: close\r\n\r\n"
        return exchange(sock, request.encode()).partition(b"\r\n\r\n")[0].lower()


def test_a_client_cannot_claim_https_but_a_listed_balancer_can(stack) -> None:
    """HSTS (and Secure cookies) follow the scheme the app believes the browser used."""
    claimed = {"X-Forwarded-Proto": "https"}
    from_client = fetch_headers("/", claimed, "127.0.0.1", stack["proxy_port"])
    assert b"strict-transport-security" not in from_client
    from_balancer = fetch_headers("/", claimed, BALANCER, stack["proxy_port"])
    assert b"strict-transport-security" in from_balancer
    plain = fetch_headers("/", {}, BALANCER, stack["proxy_port"])
    assert b"strict-transport-security" not in plain


def test_tokens_in_non_canonical_paths_stay_out_of_the_nginx_log(stack) -> None:
    token = "QwertyuiopasdfghjklzxcvbnmQWERTY"
    for path in (f"/%73/{token}/", f"/s//{token}/", f"/S/{token}/", f"/orgs//invite/{token}/"):
        fetch_headers(path, {}, "127.0.0.1", stack["proxy_port"])
    fetch_headers(
        f"/accounts/login/?next=%2Forgs%2Finvite%2F{token}%2F", {}, "127.0.0.1", stack["proxy_port"]
    )
    time.sleep(0.5)  # nginx writes its access log line after the response
    log = (stack["tmp"] / "access.log").read_text()
    assert token not in log
    assert "/s/[redacted]/" in log


def test_compose_runs_nginx_with_room_for_many_connections() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    volumes = compose["services"]["nginx"]["volumes"]
    assert any(
        v.endswith(":/etc/nginx/nginx.conf:ro") and "deploy/nginx/nginx.conf" in v for v in volumes
    )
    main = MAIN.read_text()
    connections = int(re.search(r"worker_connections (\d+);", main).group(1))
    files = int(re.search(r"worker_rlimit_nofile (\d+);", main).group(1))
    assert connections >= 8192
    assert files >= 2 * connections  # a proxied request holds two
    assert "include /etc/nginx/conf.d/*.conf;" in main


def test_compose_publishes_nginx_only_and_trusts_its_network() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert [name for name, s in services.items() if s.get("ports")] == ["nginx"]
    assert "advisor.conf.template" in services["nginx"]["volumes"][0]
    subnet = compose["networks"]["internal"]["ipam"]["config"][0]["subnet"]
    assert services["app"]["environment"]["FORWARDED_ALLOW_IPS"] == subnet
    assert services["app"]["environment"]["REDIS_URL"]
