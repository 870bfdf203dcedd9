from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from advisor.orgs.membership import revoke_invitations_issued, revoke_what_they_issued
from advisor.orgs.models import Invitation, Membership, Organisation, Role


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("user",)
    verbose_name = "member"
    verbose_name_plural = "members"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "member_count", "created_at")
    search_fields = ("name", "code", "memberships__user__username")
    readonly_fields = ("code", "created_at")
    fields = ("name", "code", "created_at")
    inlines = [MembershipInline]
    ordering = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).annotate(member_total=Count("memberships"))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Members removed here lose their invitations and share links, and owners demoted
        here their invitations, as on the organisation's page."""
        super().save_formset(request, form, formset, change)
        for member_form in getattr(formset, "forms", []):
            membership = member_form.instance
            if (
                isinstance(membership, Membership)
                and membership.pk is not None
                and "role" in member_form.changed_data
                and member_form.initial.get("role") == Role.OWNER
                and membership.role != Role.OWNER
            ):
                revoke_invitations_issued(membership.org, membership.user)
        for membership in getattr(formset, "deleted_objects", []):
            if isinstance(membership, Membership):
                revoke_what_they_issued(membership.org, membership.user)

    @admin.display(description="members", ordering="member_total")
    def member_count(self, obj: Organisation) -> int:
        return obj.member_total  # type: ignore[attr-defined]  # annotated in get_queryset


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are read-only here: their links are created (and shown once) on the site.

    The token's hash is never displayed.
    """

    list_display = ("email", "org", "role", "status", "created_at", "expires_at")
    list_filter = ("role",)
    list_select_related = ("org",)
    search_fields = ("email", "org__name", "org__code")
    fields = (
        "org",
        "email",
        "role",
        "created_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    )
    readonly_fields = (
        "org",
        "email",
        "role",
        "created_by",
        "created_at",
        "accepted_at",
        "accepted_by",
    )
    ordering = ("-created_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="status")
    def status(self, obj: Invitation) -> str:
        return obj.status
