"""What a newcomer reads and runs first: ``make run`` on any port, the README's guide."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]


def make_run(**env: str) -> str:
    done = subprocess.run(
        ["make", "-n", "run"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "PORT"} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_make_run_honours_port() -> None:
    assert "runserver 127.0.0.1:8000" in make_run()
    assert "runserver 127.0.0.1:8123" in make_run(PORT="8123")


def test_make_run_and_test_install_the_pdf_libraries() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "bin/ensure-weasyprint-libs" in makefile
    assert "bin/ensure-weasyprint-libs" in make_run()
    assert "bin/ensure-weasyprint-libs" in (ROOT / ".ci" / "run").read_text()


def test_the_readme_explains_reading_a_result() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Reading a result", 1)[1].split("\n## ", 1)[0]
    for term in ("Summary", "Points", "Close call", "No signal", "Costs", "PDF"):
        assert f"**{term}" in section or term in section, term


@pytest.mark.django_db
def test_the_readme_says_where_the_try_it_page_is() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "/admin/knowledge/rule/try-it/" in readme
    assert resolve("/admin/knowledge/rule/try-it/").url_name == "knowledge_tryit"
