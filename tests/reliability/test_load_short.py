"""Short runs of ``bench/load.py``: many users through the whole journey under gunicorn.

Each run starts gunicorn with the production settings, lets a few simulated users sign up,
answer the wizard, save reports and open share links for some seconds, then checks the
database. A run passes only with no 5xx, no "database is locked", nothing lost and nothing
saved twice. About 45 s in all on two cores (the first run also collects the static files
and migrates a template database, then cached under /tmp).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOAD = ROOT / "bench" / "load.py"


def run_load(*args: str) -> str:
    command = [sys.executable, str(LOAD), "--users", "4", "--min-journeys", "1", *args]
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{' '.join(command[1:])} did not finish: {exc.stdout!r}")
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(command[1:])} failed:\n{output[-5000:]}"
    assert "verification OK" in done.stdout, output[-5000:]
    assert "\nPASS" in done.stdout, output[-5000:]
    return done.stdout


def postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def test_sqlite_under_load_loses_nothing_and_never_fails() -> None:
    output = run_load("--seconds", "8")
    assert "errors: 5xx 0;" in output


def test_a_killed_worker_loses_nothing_and_duplicates_nothing() -> None:
    # Also drop a quarter of the answers to creating POSTs, so the check-before-retry runs.
    output = run_load("--seconds", "12", "--kill-worker", "--lose-responses", "0.25")
    assert "--kill-worker: sent SIGKILL" in output
    assert "replaced by" in output


@pytest.mark.skipif(not postgres_answers(), reason="no PostgreSQL on 127.0.0.1:5432")
def test_postgresql_under_load_loses_nothing_and_never_fails() -> None:
    name = f"advisor_load_ci_{os.getpid()}"
    output = run_load("--seconds", "8", "--database", "postgres", "--pg-database", name)
    assert "errors: 5xx 0;" in output
