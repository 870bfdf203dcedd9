"""System check: the live knowledge holds every key the code reads (``contract.py``).

Registered under the ``knowledge`` tag, so ``runserver``, ``migrate`` (the container's
start-up) and ``manage.py check`` fail with ``knowledge.E001`` to ``E004`` when an edit made
outside the admin and the importer (SQL, the ORM) removed one.

It reads the database, so it decides first whether there is knowledge to check:

- the knowledge app's migrations are not all applied (a fresh database, or one ``migrate``
  is about to bring up to date, seed included): nothing to check yet, no message;
- the database cannot be read: a warning (``knowledge.W002``), never an error;
- the tables exist but hold no question and no approach (a flushed database): one warning
  (``knowledge.W001``) saying how to load the shipped knowledge, not an error per key.

``reset_knowledge`` and ``import_ruleset``, the ways to repair it, skip the checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader

from advisor.knowledge import contract

TAG = "knowledge"
REPAIR = (
    "Restore it in the admin (Knowledge base), import a ruleset that has it "
    "(manage.py import_ruleset) or restore the shipped knowledge (manage.py reset_knowledge)."
)


def _migrated(alias: str) -> bool:
    """Whether every migration of the knowledge app is applied on ``alias``."""
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    leaves = loader.graph.leaf_nodes("knowledge")
    return set(leaves) <= set(loader.applied_migrations)


def _read(alias: str) -> tuple[dict[str, str], set[tuple[str, str]], set[str]]:
    from advisor.knowledge.models import Approach, Option, Question

    return (
        dict(Question.objects.using(alias).values_list("key", "kind")),
        set(Option.objects.using(alias).values_list("question__key", "key")),
        set(Approach.objects.using(alias).values_list("key", flat=True)),
    )


def knowledge_contract(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    if app_configs is not None and not any(c.label == "knowledge" for c in app_configs):
        return []
    alias = DEFAULT_DB_ALIAS  # the knowledge lives in the default database
    try:
        if not _migrated(alias):
            return []
        questions, options, approaches = _read(alias)
    except DatabaseError as error:
        return [
            checks.Warning(
                "The knowledge contract was not checked: the database could not be read "
                f"({str(error).strip() or type(error).__name__}).",
                id="knowledge.W002",
            )
        ]
    if not questions and not approaches:
        return [
            checks.Warning(
                "The knowledge base is empty: no question and no approach.",
                hint="Load the shipped knowledge with manage.py reset_knowledge, or a "
                "ruleset with manage.py import_ruleset.",
                id="knowledge.W001",
            )
        ]
    return [
        checks.Error(
            f"{breach.message} It means: {breach.entry.meaning}.",
            hint=f"{contract.readers(breach.entry)} read it by its key. {REPAIR}",
            obj=_where(breach.entry),
            id=breach.id,
        )
        for breach in contract.breaches(questions, options, approaches)
    ]


def _where(entry: contract.Entry) -> str:
    """What the message is about: 'uptime', 'uptime=mission_critical' or 'hybrid'."""
    if isinstance(entry, contract.OptionKey):
        return f"{entry.question}={entry.key}"
    return entry.key


def register() -> None:
    checks.register(knowledge_contract, TAG)
