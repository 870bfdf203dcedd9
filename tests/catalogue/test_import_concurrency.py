"""One review applied by several requests at once writes once; the others are told it was
already applied (on PostgreSQL they used to answer 500 with an IntegrityError)."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from advisor.catalogue.models import ModelPrice, PriceImport
from advisor.knowledge.models import RulesetState

IMPORT_URL = "/admin/catalogue/modelprice/import/"
REQUESTS = 4


@contextmanager
def shared_database(tmp_path: Path) -> Iterator[None]:
    """Where other threads' connections go. PostgreSQL: the test database. SQLite: a file
    copy of it, as in production (the in-memory test database's shared cache refuses
    concurrent writers at once with "table is locked" instead of waiting as a file does).
    This thread's connection stays on the in-memory database, which must not be closed."""
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    name = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.settings_dict["NAME"] = name


def in_threads(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, each in its own thread with its own connection."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = calls[index]()
        except Exception as error:  # before the lock: a 500 (IntegrityError)
            results[index] = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def stored() -> tuple[int, int, int]:
    return ModelPrice.objects.count(), RulesetState.current()[0], PriceImport.objects.count()


@pytest.mark.django_db(transaction=True)
def test_concurrent_applies_of_one_review_apply_it_once(django_user_model, tmp_path) -> None:
    # Earlier transactional tests (the live-server ones) may have flushed the shipped
    # knowledge and catalogue that the review compares with.
    from advisor.catalogue.loader import load_catalogue
    from advisor.knowledge.loader import load_seed
    from advisor.knowledge.ruleset import clear_memo

    load_seed()
    load_catalogue()
    clear_memo()
    admin = django_user_model.objects.create_superuser("boss", password="pw-boss-12345")
    clients = []
    for _ in range(REQUESTS):
        client = Client()
        client.force_login(admin)
        clients.append(client)

    def apply(client: Client, fingerprint: str) -> str:
        response = client.post(IMPORT_URL, {"apply": "1", "fingerprint": fingerprint}, follow=True)
        text = response.content.decode()
        if "already applied" in text:
            return "already applied"
        if re.search(r"Applied \d+ price changes", text):
            return "applied"
        return f"{response.status_code}: {text[:300]}"

    with shared_database(tmp_path):
        [(page, before)] = in_threads(
            lambda: (clients[0].get(IMPORT_URL).content.decode(), stored())
        )
        fingerprint = re.search(r'name="fingerprint" value="(\w+)"', page).group(1)
        new = int(re.search(r"(\d+) new,", page).group(1))
        assert new > 0
        answers = in_threads(*(lambda c=c: apply(c, fingerprint) for c in clients))
        [after] = in_threads(stored)

    assert sorted(answers) == ["already applied"] * (REQUESTS - 1) + ["applied"], answers
    prices, version, imports = before
    assert after == (prices + new, version + 1, imports + 1)  # written once, bumped once
