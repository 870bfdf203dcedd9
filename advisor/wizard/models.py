"""A visitor's answers, saved on the server at every step of the wizard."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


def new_token() -> str:
    return secrets.token_urlsafe(24)


class WizardSession(models.Model):
    """One run through the wizard, found by the random token in the visitor's cookie.

    Anonymous visitors are tied to their browser by that cookie; signed-in users also
    find their latest session on another device.
    """

    token = models.CharField(max_length=64, primary_key=True, default=new_token, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="wizard_sessions",
    )
    answers = models.JSONField(default=dict, blank=True)
    weights = models.JSONField(default=dict, blank=True)
    preset = models.SlugField(max_length=60, blank=True)
    workloads = models.JSONField(
        default=list, blank=True, help_text="The hybrid routing plan: named workloads."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-updated_at"], name="wizard_user_recent")]

    def __str__(self) -> str:
        return f"Wizard session from {self.created_at:%Y-%m-%d %H:%M}"
