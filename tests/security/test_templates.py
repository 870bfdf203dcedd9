"""Every template of ours, read as source: nothing the CSP would block or that loads from
another host, and a CSRF token in every POST form.

Scanned: the project's ``templates/`` and the ``templates/`` folder of each of our apps
(``advisor.*``). Third-party templates (the admin's, crispy's) are theirs to keep.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

TAG = re.compile(r"<[a-zA-Z][^>]*>", re.DOTALL)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
SCRIPT_OPEN = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
SRC = re.compile(r"\ssrc\s*=", re.IGNORECASE)
HANDLER = re.compile(r"\s(?:on[a-z]+|hx-on(?::|-)[\w:.-]*)\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript\s*:", re.IGNORECASE)
EXTERNAL = r"""\s*=\s*["']?\s*(?:https?:)?//"""
EXTERNAL_SRC = re.compile(r"\ssrc" + EXTERNAL, re.IGNORECASE)
EXTERNAL_HREF = re.compile(r"\shref" + EXTERNAL, re.IGNORECASE)
ASSET_LINK = re.compile(
    r"""\srel\s*=\s*["']?[^"'>]*\b(?:stylesheet|icon|preload|modulepreload|manifest)\b""",
    re.IGNORECASE,
)
POST_FORM = re.compile(
    r"""<form\b[^>]*\smethod\s*=\s*["']?post\b[^>]*>(.*?)</form\s*>""", re.IGNORECASE | re.DOTALL
)
CSRF_TOKEN = re.compile(r"{%\s*csrf_token\s*%}")


def template_dirs() -> list[Path]:
    dirs = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    for config in apps.get_app_configs():
        if config.name.startswith("advisor."):
            dirs.append(Path(config.path) / "templates")
    return [d for d in dirs if d.is_dir()]


def template_files() -> list[Path]:
    return sorted(p for d in template_dirs() for p in d.rglob("*") if p.is_file())


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def problems(text: str) -> list[str]:
    """What a template does that our CSP or privacy rules forbid, each with its line."""
    found: list[str] = []

    def add(offset: int, what: str) -> None:
        found.append(f"line {line_of(text, offset)}: {what}")

    for match in SCRIPT.finditer(text):
        if match.group(2).strip():
            add(match.start(), "inline <script> with content")
    for match in SCRIPT_OPEN.finditer(text):
        if not SRC.search(match.group(0)):
            add(match.start(), "<script> without src")
    for match in STYLE_ELEMENT.finditer(text):
        add(match.start(), "<style> element")
    for match in JAVASCRIPT_URL.finditer(text):
        add(match.start(), "javascript: URL")
    for tag in TAG.finditer(text):
        markup = tag.group(0)
        if HANDLER.search(markup):
            add(tag.start(), f"inline event handler in {markup[:80]!r}")
        if STYLE_ATTRIBUTE.search(markup):
            add(tag.start(), f"style= attribute in {markup[:80]!r}")
        if EXTERNAL_SRC.search(markup):
            add(tag.start(), f"asset from another host in {markup[:80]!r}")
        is_asset_link = markup.lower().startswith("<link") and ASSET_LINK.search(markup)
        if is_asset_link and EXTERNAL_HREF.search(markup):
            add(tag.start(), f"asset from another host in {markup[:80]!r}")
    for form in POST_FORM.finditer(text):
        if not CSRF_TOKEN.search(form.group(1)):
            add(form.start(), "POST form without {% csrf_token %}")
    return found


def test_the_scan_finds_our_templates() -> None:
    names = {p.relative_to(p.parents[1]).as_posix() for p in template_files()}
    assert "templates/base.html" in names
    assert len(names) > 40


@pytest.mark.parametrize(
    "path", template_files(), ids=lambda p: p.as_posix().split("/templates/")[-1]
)
def test_template_is_csp_safe_and_posts_with_a_csrf_token(path: Path) -> None:
    assert problems(path.read_text(encoding="utf-8")) == []


# The scanner itself: each rule catches what it names, and passes what we write. ----------------

BAD = {
    "inline script": "<script>alert(1)</script>",
    "script without src": '<script type="module"></script>',
    "json data block": '<script type="application/json">{"a": 1}</script>',
    "onclick": '<button type="button" onclick="go()">Go</button>',
    "onload across lines": '<img\n  alt=""\n  onload="x()" src="/static/a.png">',
    "hx-on": '<button hx-on:click="alert(1)">Go</button>',
    "style attribute": '<div style="color: red">x</div>',
    "style element": "<style>p { color: red }</style>",
    "javascript url": '<a href="javascript:void(0)">x</a>',
    "cdn stylesheet": '<link rel="stylesheet" href="https://cdn.example.com/b.css">',
    "cdn stylesheet, href first": '<link href="//cdn.example.com/b.css" rel=stylesheet>',
    "cdn script": '<script src="https://cdn.example.com/htmx.js"></script>',
    "remote image": "<img src='http://example.com/pixel.gif' alt=''>",
    "post form without token": '<form method="post" action="/x"><button>Go</button></form>',
    "POST form, upper case": "<form action='/x' METHOD=POST><input name=a></form>",
}

GOOD = {
    "own script": "<script src=\"{% static 'advisor/js/app.js' %}\" defer></script>",
    "own stylesheet": '<link rel="stylesheet" href="{% static \'app.css\' %}">',
    "link to another site": '<a href="https://example.com/guide">the guide</a>',
    "post form with token": '<form method="post">{% csrf_token %}<button>Go</button></form>',
    "get form": '<form method="get"><input name="q"></form>',
    "words": "<p>Click on= the button; its style is plain.</p>",
    "htmx attributes": '<form method="post" hx-post="/x" hx-target="#a">{% csrf_token %}</form>',
}


@pytest.mark.parametrize("snippet", BAD.values(), ids=BAD.keys())
def test_the_scan_catches(snippet: str) -> None:
    assert problems(f"<p>\n{snippet}\n</p>")


@pytest.mark.parametrize("snippet", GOOD.values(), ids=GOOD.keys())
def test_the_scan_passes(snippet: str) -> None:
    assert problems(snippet) == []
