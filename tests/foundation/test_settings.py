"""The settings module is configured by the environment and is safe by default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="advisor.settings",
        DJANGO_SECRET_KEY="a-very-long-production-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="advisor.example.com",
    )
    env.update(extra)
    return env


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_fails_loudly_in_production() -> None:
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_mode_runs_without_a_secret_key() -> None:
    env = production_env(DJANGO_DEBUG="1")
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_check_deploy_without_any_warning() -> None:
    env = production_env(REDIS_URL="redis://127.0.0.1:6379/0")  # only read, not connected to
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_without_a_shared_cache() -> None:
    """Found in the attack: without Redis each limit counted per worker (20 misses: 60+)."""
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode != 0
    assert "advisor.W001" in result.stdout + result.stderr
    assert "REDIS_URL" in result.stdout + result.stderr


def test_a_production_process_says_so_loudly_at_start_up_without_a_shared_cache() -> None:
    code = "import advisor.wsgi"
    without = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert without.returncode == 0, without.stderr
    assert "No shared cache is configured" in without.stderr

    env = production_env(REDIS_URL="redis://127.0.0.1:6379/0")
    shared = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shared.returncode == 0, shared.stderr
    assert "No shared cache" not in shared.stderr


def test_csp_forbids_inline_and_eval_script(settings) -> None:
    script_src = settings.SECURE_CSP["script-src"]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert settings.SECURE_CSP["frame-ancestors"] == ["'none'"]


def test_the_database_is_tuned_for_several_workers(settings) -> None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        # Connections are kept between requests and checked before reuse.
        assert db["CONN_MAX_AGE"] > 0
        assert db["CONN_HEALTH_CHECKS"] is True
        return
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["CONN_MAX_AGE"] is None  # a SQLite connection is a file handle
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] >= 5


def test_starting_the_app_does_not_import_the_chart_library() -> None:
    """matplotlib takes about a second to import: only drawing a chart may pay for it, not
    every worker start and management command."""
    code = (
        "import sys, django; django.setup();"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "import advisor.wsgi;"
        "print('matplotlib' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
