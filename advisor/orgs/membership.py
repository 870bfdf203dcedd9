"""What leaving an organisation takes with it, wherever the membership is removed (the
organisation's page, the admin).

A removed member's pending invitations are revoked (an owner removed could otherwise rejoin,
as owner, through an invitation he issued before), as are a demoted owner's, and every app
above is told through ``member_removed`` (the reports app revokes the member's share links).
"""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import pluralize
from django.utils import timezone

from advisor.orgs.models import Invitation, Organisation
from advisor.orgs.signals import member_removed


def revoke_invitations_issued(org: Organisation, user: Any) -> int:
    """Revoke the still-pending invitations ``user`` issued for ``org``: on leaving, and
    when an owner stops being one (only owners invite, so a former owner's invitations
    must not outlive the authority they were issued with); returns how many."""
    return Invitation.objects.filter(
        org=org, created_by=user, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def revoke_what_they_issued(org: Organisation, user: Any) -> list[tuple[str, int]]:
    """Revoke what ``user`` (no longer a member) issued for ``org``; returns ``(what,
    count)`` pairs, invitations first."""
    revoked: list[tuple[str, int]] = [("invitation", revoke_invitations_issued(org, user))]
    for _receiver, response in member_removed.send(sender=Organisation, org=org, user=user):
        answer: Any = response  # a receiver's (what, count); the stubs say str
        if answer:
            what, count = answer
            revoked.append((str(what), int(count)))
    return revoked


def describe_revoked(revoked: list[tuple[str, int]], who: str) -> str:
    """ " 2 share links and 1 invitation they created stopped working." or ""."""
    parts = [f"{count} {what}{pluralize(count)}" for what, count in revoked if count]
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f" {listed} {who} created stopped working."
