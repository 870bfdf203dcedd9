"""An edit to the catalogue changes results (their shortlists), so it bumps the knowledge
version like any knowledge edit; the result cache and ``current_catalogue`` key on it."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from advisor.catalogue import models
from advisor.knowledge.signals import knowledge_changed

VERSIONED_MODELS = (models.AIModel, models.ModelPrice, models.QualityScore)


def connect() -> None:
    for model in VERSIONED_MODELS:
        post_save.connect(knowledge_changed, sender=model, dispatch_uid=f"bump-save-{model}")
        post_delete.connect(knowledge_changed, sender=model, dispatch_uid=f"bump-del-{model}")
