"""Who may see and change an organisation: the ONE place membership is checked.

Every view under ``/orgs/<code>/`` (the reports app's too) is decorated with
``@login_required`` (anonymous visitors go to the login page and come back) and starts by
calling one of these helpers with the code from its URL::

    from advisor.orgs.access import get_membership, get_membership_for_edit, require_role
    from advisor.orgs.models import Role

    @login_required
    def report_list(request: HttpRequest, org_code: str) -> HttpResponse:
        membership = get_membership(request, org_code)  # any member: owner/editor/viewer
        org = membership.org
        ...

    @login_required
    @require_POST
    def report_create(request: HttpRequest, org_code: str) -> HttpResponse:
        membership = get_membership_for_edit(request, org_code)  # owners and editors
        ...

    @login_required
    def org_settings(request: HttpRequest, org_code: str) -> HttpResponse:
        membership = require_role(get_membership(request, org_code), Role.OWNER)
        ...

- A logged-in user who is not a member gets **404**, exactly as for an organisation that
  does not exist, so outsiders cannot learn which codes exist.
- A member whose role is not allowed gets **403** (``PermissionDenied``) with a plain
  message.
- The returned ``Membership`` has ``.org`` (already loaded), ``.role``, ``.is_owner`` and
  ``.can_edit``. Look up anything else in the organisation through ``membership.org``
  (e.g. ``get_object_or_404(Report, org=membership.org, pk=...)``), never by an id alone.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from advisor.http import NotFound
from advisor.orgs.models import Membership, Role


def get_membership(request: HttpRequest, org_code: str) -> Membership:
    """The current user's membership of the organisation ``org_code``, or Http404."""
    user = request.user
    if not user.is_authenticated:
        # Views are @login_required; this only guards against a forgotten decorator.
        raise NotFound("No such organisation.")
    membership = (
        Membership.objects.select_related("org", "user")
        .filter(org__code=org_code, user=user)
        .first()
    )
    if membership is None:
        raise NotFound("No such organisation.")
    return membership


def require_role(membership: Membership, *roles: Role | str) -> Membership:
    """Return ``membership`` if its role is one of ``roles``; otherwise raise 403."""
    if membership.role not in roles:
        allowed = " or ".join(f"{Role(role).label.lower()}s" for role in roles)
        mine = membership.get_role_display().lower()
        article = "an" if mine[:1] in "aeiou" else "a"
        raise PermissionDenied(
            f"Only the organisation's {allowed} can do this; you are {article} {mine}."
        )
    return membership


def get_membership_for_edit(request: HttpRequest, org_code: str) -> Membership:
    """Like ``get_membership``, but viewers (read-only members) get 403."""
    return require_role(get_membership(request, org_code), Role.OWNER, Role.EDITOR)
