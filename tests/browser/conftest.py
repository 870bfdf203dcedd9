"""Real Chromium (Debian's package) against the live server, with the knowledge seeded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def site(live_server) -> str:
    """The live server's URL, with the shipped knowledge, obligations and model catalogue
    (flushed by earlier live tests)."""
    from advisor.catalogue.loader import load_catalogue
    from advisor.knowledge.loader import load_seed
    from advisor.knowledge.regulation import load_regulation
    from advisor.knowledge.ruleset import clear_memo

    load_seed()
    load_regulation()
    load_catalogue()
    clear_memo()
    return live_server.url


@dataclass
class Watch:
    """What the page asked for and complained about while a test ran."""

    origin: str
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.origin)]


@pytest.fixture
def watch(page: Page, site: str) -> Iterator[Watch]:
    """Record every request and every console error or failed load; fail on any at the end."""
    watched = Watch(origin=site)
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            watched.problems.append(f"console {message.type}: {message.text}")
            if message.type in {"error", "warning"}
            else None
        ),
    )
    page.on("pageerror", lambda error: watched.problems.append(f"page error: {error}"))
    page.on(
        "response",
        lambda response: (
            watched.problems.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    yield watched
    assert watched.foreign_requests == []
    assert watched.problems == []
