"""Organisations, who belongs to them (and in which role), and invitations to join.

URLs name an organisation by its random ``code``, never by its primary key. Invitation
tokens are shown once, in the link; the database keeps only their SHA-256 hash.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

INVITATION_LIFETIME = timedelta(days=7)


def new_org_code() -> str:
    """A random, URL-safe code of 11 characters (64 random bits)."""
    return secrets.token_urlsafe(8)


def default_invitation_expiry() -> datetime:
    return timezone.now() + INVITATION_LIFETIME


class Role(models.TextChoices):
    """What a member may do. Owners do everything, editors edit reports, viewers read."""

    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


class Organisation(models.Model):
    code = models.CharField(
        max_length=16,
        unique=True,
        default=new_org_code,
        editable=False,
        help_text="The random identifier used in this organisation's web addresses.",
    )
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:detail", args=[self.code])


class Membership(models.Model):
    org = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="organisation",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField("joined", auto_now_add=True)

    Role = Role

    class Meta:
        ordering = ["org", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["org", "user"], name="orgs_membership_one_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.org} ({self.get_role_display()})"

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def can_edit(self) -> bool:
        """Owners and editors may change the organisation's content (reports)."""
        return self.role in (Role.OWNER, Role.EDITOR)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use, expiring link that adds whoever opens it (logged in) to an organisation."""

    org = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name="organisation",
    )
    email = models.EmailField(help_text="Where the invitation link was sent.")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} to {self.org} ({self.get_role_display()})"

    @classmethod
    def issue(
        cls, *, org: Organisation, email: str, role: str, created_by: object
    ) -> tuple[Invitation, str]:
        """Create an invitation; return it with its raw token, which is never stored."""
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            org=org, email=email, role=role, created_by=created_by, token_hash=hash_token(token)
        )
        return invitation, token

    @classmethod
    def find(cls, token: str) -> Invitation | None:
        """The invitation a raw token belongs to, whatever its state, or None."""
        return cls.objects.select_related("org").filter(token_hash=hash_token(token)).first()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        """One of "accepted", "revoked", "expired" or "pending"."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "pending"

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"


def pending_invitations() -> models.Q:
    """The filter for invitations that can still be accepted."""
    return models.Q(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
