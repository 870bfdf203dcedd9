"""Obligations' triggers protect the questions and answers they name, as rules protect theirs.

A trigger names its question and option by key (``regulation_models.py``: a ruleset import
recreates those rows and must leave obligations in place), so nothing in the database stopped
deleting the "sector" question, which silently took HIPAA and every other sector obligation
out of the results. Rules' conditions hold their question with ``PROTECT``; triggers get the
same two behaviours a foreign key would give them:

- deleting a question or an answer that a trigger names raises ``ProtectedError`` (their
  ``delete()``, the model's and the queryset's, so every path that deletes through the ORM),
  naming the obligations; the admin refuses it first with a message (``admin.py``,
  ``forms.py``);
- renaming a question's or an answer's key carries the triggers along.

The ruleset importer, which deletes and recreates every question, first checks that the
document keeps every key a trigger names, then replaces them inside ``replacing()``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import ProtectedError, QuerySet
from django.db.models.signals import pre_save

from advisor.knowledge.models import Obligation, ObligationTrigger, Option, Question

_state = threading.local()


@contextmanager
def replacing() -> Iterator[None]:
    """For the importer: questions and answers are deleted to be recreated with their keys."""
    _state.replacing = True
    try:
        yield
    finally:
        _state.replacing = False


def triggered_by_question(key: str) -> QuerySet[Obligation]:
    """The obligations whose triggers name the question ``key``."""
    return Obligation.objects.filter(triggers__question=key).distinct().order_by("order", "key")


def triggered_by_option(question_key: str, key: str) -> QuerySet[Obligation]:
    """The obligations whose triggers name the answer ``key`` of ``question_key``."""
    return (
        Obligation.objects.filter(triggers__question=question_key, triggers__option=key)
        .distinct()
        .order_by("order", "key")
    )


def titles(obligations: QuerySet[Obligation]) -> str:
    return ", ".join(f"'{o.title}'" for o in obligations)


def refuse_delete(objs: Iterable[Any]) -> None:
    """Raise ``ProtectedError`` when an obligation's trigger names one of ``objs`` (questions or
    answers). Called by their ``delete()`` (the model's and the queryset's) before anything
    is deleted, so a caller's transaction stays usable, as with a foreign key's PROTECT."""
    if getattr(_state, "replacing", False):
        return
    for obj in objs:
        if isinstance(obj, Question):
            obligations, what = triggered_by_question(obj.key), f"question {obj.key!r}"
        else:
            question_key = Question.objects.filter(pk=obj.question_id).values_list("key", flat=True)
            obligations = triggered_by_option(question_key.first() or "", obj.key)
            what = f"answer {obj.key!r}"
        if obligations:
            raise ProtectedError(
                f"Cannot delete the {what}: these obligations are triggered by it: "
                f"{titles(obligations)}. Change their triggers first.",
                set(obligations),
            )


def _follow_rename(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    if isinstance(instance, Question):
        old = Question.objects.filter(pk=instance.pk).values_list("key", flat=True).first()
        if old is not None and old != instance.key:
            ObligationTrigger.objects.filter(question=old).update(question=instance.key)
        return
    row = (
        Option.objects.filter(pk=instance.pk)
        .values_list("key", "question_id", "question__key")
        .first()
    )
    if row is None:
        return
    old_key, old_question_id, question_key = row
    if old_key != instance.key and old_question_id == instance.question_id:
        ObligationTrigger.objects.filter(question=question_key, option=old_key).update(
            option=instance.key
        )


def connect() -> None:
    for model in (Question, Option):
        pre_save.connect(_follow_rename, sender=model, dispatch_uid=f"follow-{model}")
