"""Bump the ruleset version whenever an editor changes the knowledge.

This only invalidates caches; it carries no business logic. The importer suspends it and
bumps once at the end, so loading a whole ruleset costs one version, not hundreds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models.signals import m2m_changed, post_delete, post_save

from advisor.knowledge import models

VERSIONED_MODELS = (
    models.Question,
    models.Option,
    models.Approach,
    models.Dimension,
    models.DimensionRating,
    models.Rule,
    models.RuleCondition,
    models.Preset,
    models.AccessPath,
    models.Offering,
    models.InfraProfile,
    models.PlanPreset,
    models.Obligation,
    models.ObligationTrigger,
    models.ObligationEffect,
    models.ProviderAssurance,
    models.GpuPrice,
    models.TaskProfile,
    models.CostRule,
)

_state = threading.local()


@contextmanager
def versioning_suspended() -> Iterator[None]:
    _state.suspended = True
    try:
        yield
    finally:
        _state.suspended = False


def knowledge_changed(sender: type, **kwargs: object) -> None:
    if getattr(_state, "suspended", False) or kwargs.get("raw"):
        return
    action = kwargs.get("action")
    if action is not None and not str(action).startswith("post_"):
        return  # m2m_changed fires before and after; count the change once
    models.RulesetState.bump()


def settings_changed(sender: type, **kwargs: object) -> None:
    """Editing the close-call margin changes results too, so it bumps the version."""
    if kwargs.get("created") or kwargs.get("raw"):
        return
    models.RulesetState.bump()


def connect() -> None:
    for model in VERSIONED_MODELS:
        post_save.connect(knowledge_changed, sender=model, dispatch_uid=f"bump-save-{model}")
        post_delete.connect(knowledge_changed, sender=model, dispatch_uid=f"bump-del-{model}")
    m2m_changed.connect(
        knowledge_changed,
        sender=models.Question.show_if_options.through,
        dispatch_uid="bump-show-if",
    )
    post_save.connect(settings_changed, sender=models.RulesetState, dispatch_uid="bump-settings")
