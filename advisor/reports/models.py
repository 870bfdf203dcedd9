"""Saved reports (immutable snapshots of a result) and the links that share them."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from advisor.orgs.models import Organisation, hash_token

__all__ = [
    "NOTES_MAX_LENGTH",
    "NOTES_MAX_LINES",
    "TITLE_MAX_LENGTH",
    "Report",
    "ShareLink",
    "hash_token",
    "new_report_code",
    "notes_within_limits",
    "validate_notes_lines",
]

# What a report's author may write: a title for a list and a page header, and notes of a
# page or two. Every form that writes them checks these; the PDF shortens text stored
# before the limits (see ``notes_within_limits``): 64 KB of line breaks made a 642-page PDF.
TITLE_MAX_LENGTH = 200
NOTES_MAX_LENGTH = 4000
NOTES_MAX_LINES = 60


def note_lines(notes: str) -> list[str]:
    return notes.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def validate_notes_lines(notes: str) -> None:
    """At most ``NOTES_MAX_LINES`` lines: each one is a line (or a paragraph) of the PDF."""
    count = len(note_lines(notes))
    if count > NOTES_MAX_LINES:
        raise ValidationError(
            "Keep the notes to %(limit)s lines or fewer (these have %(count)s).",
            code="max_lines",
            params={"limit": f"{NOTES_MAX_LINES:,}", "count": f"{count:,}"},
        )


def notes_within_limits(notes: str) -> tuple[str, bool]:
    """``notes`` cut to the limits (for a report saved before them), and whether they were
    cut; notes within the limits come back as they are."""
    lines = note_lines(notes)
    if len(notes) <= NOTES_MAX_LENGTH and len(lines) <= NOTES_MAX_LINES:
        return notes, False
    kept = "\n".join(lines[:NOTES_MAX_LINES])[:NOTES_MAX_LENGTH]
    return kept.rstrip(), True


def new_report_code() -> str:
    """A random, URL-safe id (96 bits): report URLs are not guessable sequences."""
    return secrets.token_urlsafe(12)


class Report(models.Model):
    """A result or a routing plan saved for an organisation.

    ``inputs`` are what made it, as given (answers, weights and cost assumptions, or the
    plan's workloads); ``snapshot`` holds everything the page shows as it was when saved, so
    later edits to the knowledge never change it. A re-run builds a new snapshot from the
    inputs; the snapshot itself is never read back as input.
    """

    class Kind(models.TextChoices):
        RESULT = "result", "Recommendation"
        PLAN = "plan", "Routing plan"

    code = models.CharField(max_length=24, unique=True, default=new_report_code, editable=False)
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="reports")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    notes = models.TextField(
        blank=True, max_length=NOTES_MAX_LENGTH, validators=[validate_notes_lines]
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RESULT)
    inputs = models.JSONField(
        default=dict, help_text="What the report was made from, as given: answers or workloads."
    )
    snapshot = models.JSONField()
    ruleset_version = models.PositiveBigIntegerField()
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reruns",
        help_text="The report this one re-ran with newer rules.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.org.code, self.code])

    @property
    def is_plan(self) -> bool:
        return self.kind == self.Kind.PLAN

    @property
    def top_label(self) -> str:
        if self.is_plan:
            routes = {row["approach_label"] for row in self.snapshot["workloads"]}
            return "Routing plan: " + ", ".join(sorted(routes))
        top = self.snapshot.get("top")
        return top["label"] if top else "No approach fits"


class ShareLink(models.Model):
    """A read-only, no-login link to a report. Only a hash of its token is stored."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Share link for {self.report}"

    @classmethod
    def issue(
        cls, *, report: Report, created_by: object, expires_at: datetime | None
    ) -> tuple[ShareLink, str]:
        """Create a link; the raw token (128+ bits) is returned once and never stored."""
        token = secrets.token_urlsafe(24)
        link = cls.objects.create(
            report=report,
            created_by=created_by,
            expires_at=expires_at,
            token_hash=hash_token(token),
        )
        return link, token

    @staticmethod
    def live() -> models.Q:
        """The filter for links that still open their report."""
        return models.Q(revoked_at__isnull=True) & (
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now())
        )

    @classmethod
    def revoke_created_by(cls, org: Organisation, user: object) -> int:
        """Revoke the live links ``user`` created to ``org``'s reports (they are leaving
        it); returns how many."""
        return cls.objects.filter(cls.live(), report__org=org, created_by=user).update(
            revoked_at=timezone.now()
        )

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.is_expired else "active"
