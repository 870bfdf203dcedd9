"""The reports app's answers to what the organisations app tells it."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from advisor.orgs.models import Organisation
from advisor.orgs.signals import member_removed
from advisor.reports.models import ShareLink


@receiver(member_removed)
def revoke_share_links(
    sender: type, org: Organisation, user: object, **kwargs: Any
) -> tuple[str, int]:
    """A member who leaves takes the share links they created with them: they would keep
    showing the organisation's reports to whoever has them."""
    return ("share link", ShareLink.revoke_created_by(org, user))
