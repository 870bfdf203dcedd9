"""Sign-up, organisations, members and invitations.

Every organisation view is ``@login_required`` and checks access through
``advisor.orgs.access`` only (outsiders 404, members without the role 403).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advisor.http import AuthenticatedHttpRequest
from advisor.net import client_ip
from advisor.orgs import login_limits
from advisor.orgs.access import get_membership, require_role
from advisor.orgs.forms import (
    InvitationForm,
    OrganisationForm,
    PasswordResetForm,
    RoleForm,
    SignupForm,
)
from advisor.orgs.membership import (
    describe_revoked,
    revoke_invitations_issued,
    revoke_what_they_issued,
)
from advisor.orgs.models import Invitation, Membership, Organisation, Role, pending_invitations
from advisor.ratelimit import Limit

logger = logging.getLogger(__name__)

ROLE_ORDER = {Role.OWNER: 0, Role.EDITOR: 1, Role.VIEWER: 2}


def _safe_next(request: HttpRequest) -> str:
    """The ``next`` parameter if it is a path on this site, else an empty string (a bare
    word would be read by ``redirect`` as a view name, and fail)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


# Accounts ---------------------------------------------------------------------------------


# Requests that cost us an email or an account are limited per client address (behind our
# trusted proxies), and reset emails also per recipient, so nobody can be flooded.
SIGNUPS = Limit("signup", 20, 60 * 60)
RESETS_PER_ADDRESS = Limit("reset-address", 10, 60 * 60)
RESETS_PER_EMAIL = Limit("reset-email", 3, 60 * 60)
INVITATIONS_PER_USER = Limit("invitation", 30, 60 * 60)
THROTTLED_MESSAGE = "Too many attempts from your network; try again later."


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account, log in, and go to ``next`` or to the organisations list."""
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "orgs:list")
    context: dict[str, Any] = {"next": next_url}
    status = 200
    if request.method == "POST":
        form = SignupForm(request.POST)
        if not SIGNUPS.check_and_hit(client_ip(request)):
            form = SignupForm(initial={"username": form.data.get("username", "")})
            context["throttled"] = THROTTLED_MESSAGE
            status = 429
        elif form.is_valid():
            user = form.save()
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.get_username()}. Your account is ready.")
            return redirect(next_url or "orgs:list")
    else:
        form = SignupForm()
    return render(request, "registration/signup.html", context | {"form": form}, status=status)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page: one email either way (``PasswordResetForm``), limited per client
    address (429) and per recipient (quietly: the page must not tell them apart)."""

    form_class = PasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:  # type: ignore[override]
        if not RESETS_PER_ADDRESS.check_and_hit(client_ip(self.request)):
            context = self.get_context_data(form=form, throttled=THROTTLED_MESSAGE)
            return self.render_to_response(context, status=429)
        recipient = form.cleaned_data["email"].strip().casefold()
        if not RESETS_PER_EMAIL.check_and_hit(recipient):
            return redirect(self.get_success_url())
        return super().form_valid(form)


password_reset = PasswordResetView.as_view()


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's "choose a new password" page; a new password also lifts a block on the
    account from failed logins (``login_limits.forget_username``), so anyone locked out by
    somebody else's guesses can get back in at once."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        login_limits.forget_username(form.user.get_username())
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()


# Login ------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's login. Failed attempts are limited for every login form alike, by
    django-axes (``advisor/orgs/login_limits.py``), not here."""

    http_method_names = ["get", "post", "head", "options"]  # FormView answers PUT as POST


login = LoginView.as_view()


# Organisations ----------------------------------------------------------------------------


@login_required
@require_GET
def org_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The organisations the current user belongs to."""
    memberships = (
        Membership.objects.filter(user=request.user).select_related("org").order_by("org__name")
    )
    return render(request, "orgs/org_list.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def org_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create an organisation; its creator becomes its owner."""
    back = _safe_next(request)
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                org = form.save()
                Membership.objects.create(org=org, user=request.user, role=Role.OWNER)
            messages.success(request, f"Created {org.name}. You are its owner.")
            return redirect(back or org.get_absolute_url())
    else:
        form = OrganisationForm()
    return render(request, "orgs/org_form.html", {"form": form, "next": back})


@login_required
@require_GET
def org_detail(request: AuthenticatedHttpRequest, org_code: str) -> HttpResponse:
    """The organisation: its members and, for owners, their controls and invitations."""
    membership = get_membership(request, org_code)
    org = membership.org
    members = sorted(
        org.memberships.select_related("user"),
        key=lambda m: (ROLE_ORDER[Role(m.role)], m.user.get_username().lower()),
    )
    owner_count = sum(1 for m in members if m.is_owner)
    invitations = []
    if membership.is_owner:
        invitations = list(
            org.invitations.filter(pending_invitations()).order_by("email", "created_at")
        )
    return render(
        request,
        "orgs/org_detail.html",
        {
            "org": org,
            "membership": membership,
            "members": members,
            "owner_count": owner_count,
            "invitations": invitations,
            "roles": Role.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_settings(request: AuthenticatedHttpRequest, org_code: str) -> HttpResponse:
    """Rename the organisation (owners only)."""
    membership = require_role(get_membership(request, org_code), Role.OWNER)
    org = membership.org
    if request.method == "POST":
        form = OrganisationForm(request.POST, instance=org)
        if form.is_valid():
            form.save()
            messages.success(request, "Saved the organisation's settings.")
            return redirect(org)
    else:
        form = OrganisationForm(instance=org)
    return render(request, "orgs/org_settings.html", {"org": org, "form": form})


# Members ----------------------------------------------------------------------------------


def _lock_member(org: Organisation, membership_id: int) -> tuple[Membership, bool]:
    """Lock the organisation's owners, then the target member (404 if not in ``org``).

    Returns the member and whether they are the only owner. Call inside a transaction;
    always locking owners first (by pk) keeps two concurrent changes from deadlocking.
    """
    owner_ids = list(
        Membership.objects.select_for_update()
        .filter(org=org, role=Role.OWNER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    target = get_object_or_404(
        Membership.objects.select_for_update(of=("self",)).select_related("user"),
        org=org,
        pk=membership_id,
    )
    return target, owner_ids == [target.pk]


@login_required
@require_POST
def member_role(
    request: AuthenticatedHttpRequest, org_code: str, membership_id: int
) -> HttpResponse:
    """Change a member's role (owners only). The last owner cannot be demoted; a demoted
    owner's pending invitations are revoked (only owners invite)."""
    membership = require_role(get_membership(request, org_code), Role.OWNER)
    org = membership.org
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles: owner, editor or viewer.")
        return redirect(org)
    new_role = form.cleaned_data["role"]
    with transaction.atomic():
        target, last_owner = _lock_member(org, membership_id)
        name = target.user.get_username()
        if target.role == new_role:
            messages.info(request, f"{name} is already {target.get_role_display().lower()}.")
            return redirect(org)
        if last_owner:
            messages.error(
                request,
                f"{name} is the only owner of {org.name}. Make someone else an owner first.",
            )
            return redirect(org)
        was_owner = target.role == Role.OWNER
        target.role = new_role
        target.save(update_fields=["role"])
        revoked = revoke_invitations_issued(org, target.user) if was_owner else 0
    invitations = describe_revoked([("invitation", revoked)], "they")
    messages.success(request, f"{name} is now {target.get_role_display().lower()}.{invitations}")
    return redirect(org)


@login_required
@require_POST
def member_remove(
    request: AuthenticatedHttpRequest, org_code: str, membership_id: int
) -> HttpResponse:
    """Remove a member (owners), or leave (any member removing themselves).

    The last owner can neither leave nor be removed. The invitations the member issued and
    the share links they created to the organisation's reports are revoked with the
    membership (``advisor/orgs/membership.py``).
    """
    membership = get_membership(request, org_code)
    org = membership.org
    leaving = membership.pk == membership_id
    if not leaving:
        require_role(membership, Role.OWNER)
    with transaction.atomic():
        target, last_owner = _lock_member(org, membership_id)
        name = target.user.get_username()
        if last_owner:
            who = "You are" if leaving else f"{name} is"
            messages.error(
                request,
                f"{who} the only owner of {org.name}. Make someone else an owner first.",
            )
            return redirect(org)
        target.delete()
        revoked = revoke_what_they_issued(org, target.user)
    if leaving:
        messages.success(request, f"You left {org.name}.{describe_revoked(revoked, 'you')}")
        return redirect("orgs:list")
    links = describe_revoked(revoked, "they")
    messages.success(request, f"Removed {name} from {org.name}.{links}")
    return redirect(org)


# Invitations ------------------------------------------------------------------------------


def _send_invitation(request: HttpRequest, invitation: Invitation, link: str) -> bool:
    """Email the link; False (and a log entry) if the mail server refused it."""
    context = {"invitation": invitation, "org": invitation.org, "link": link}
    subject = "".join(
        render_to_string("orgs/email/invitation_subject.txt", context, request).splitlines()
    )
    body = render_to_string("orgs/email/invitation_body.txt", context, request)
    try:
        EmailMessage(subject.strip(), body, to=[invitation.email]).send()
    except Exception:
        logger.exception("Could not email invitation %s", invitation.pk)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def invitation_create(request: AuthenticatedHttpRequest, org_code: str) -> HttpResponse:
    """Invite someone (owners only): shows the single-use link once and emails it.

    The success page is rendered in answer to the POST rather than after a redirect: the
    raw token exists only in this response and in the email, never in the database or the
    session.
    """
    membership = require_role(get_membership(request, org_code), Role.OWNER)
    org = membership.org
    if request.method == "POST":
        form = InvitationForm(request.POST, org=org)
        if form.is_valid() and not INVITATIONS_PER_USER.check_and_hit(str(request.user.pk)):
            context = {"org": org, "form": form, "throttled": THROTTLED_MESSAGE}
            return render(request, "orgs/invitation_form.html", context, status=429)
        if form.is_valid():
            invitation, token = Invitation.issue(
                org=org,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                created_by=request.user,
            )
            link = request.build_absolute_uri(reverse("orgs:invitation_accept", args=[token]))
            if _send_invitation(request, invitation, link):
                messages.success(request, f"Invitation emailed to {invitation.email}.")
            else:
                messages.warning(
                    request,
                    f"We could not email {invitation.email}. Copy the link below and send "
                    "it yourself.",
                )
            return render(
                request,
                "orgs/invitation_created.html",
                {"org": org, "invitation": invitation, "link": link},
            )
    else:
        form = InvitationForm(org=org)
    return render(request, "orgs/invitation_form.html", {"org": org, "form": form})


@login_required
@require_POST
def invitation_revoke(
    request: AuthenticatedHttpRequest, org_code: str, invitation_id: int
) -> HttpResponse:
    """Revoke a pending invitation (owners only); its link stops working."""
    membership = require_role(get_membership(request, org_code), Role.OWNER)
    org = membership.org
    invitation = get_object_or_404(Invitation, org=org, pk=invitation_id)
    updated = Invitation.objects.filter(pending_invitations(), pk=invitation.pk, org=org).update(
        revoked_at=timezone.now()
    )
    if updated:
        messages.success(request, f"Revoked the invitation to {invitation.email}.")
    else:
        messages.info(
            request,
            f"The invitation to {invitation.email} is already {invitation.status}; "
            "nothing to revoke.",
        )
    return redirect(org)


def _invalid_invitation(request: HttpRequest, invitation: Invitation | None) -> HttpResponse:
    status = invitation.status if invitation is not None else "unknown"
    return render(
        request,
        "orgs/invitation_invalid.html",
        {"invitation": invitation, "status": status},
        status=404,
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def invitation_accept(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """Show an invitation (GET) and accept it (POST) as the logged-in user.

    Unknown, expired, revoked and used links answer 404 with an explanation. A user who
    is already a member keeps their role, and the invitation stays unused.
    """
    invitation = Invitation.find(token)
    if invitation is None or not invitation.is_pending:
        return _invalid_invitation(request, invitation)
    org = invitation.org
    existing = Membership.objects.filter(org=org, user=request.user).first()
    if request.method == "POST":
        if existing is not None:
            messages.info(
                request,
                f"You are already a member of {org.name} ({existing.get_role_display().lower()}).",
            )
            return redirect(org)
        with transaction.atomic():
            claimed = Invitation.objects.filter(pending_invitations(), pk=invitation.pk).update(
                accepted_at=timezone.now(), accepted_by=request.user
            )
            if not claimed:
                invitation.refresh_from_db()
                return _invalid_invitation(request, invitation)
            Membership.objects.get_or_create(
                org=org, user=request.user, defaults={"role": invitation.role}
            )
        messages.success(
            request, f"Welcome to {org.name}. You are {invitation.get_role_display().lower()}."
        )
        return redirect(org)
    email_differs = (request.user.email or "").lower() != invitation.email.lower()
    return render(
        request,
        "orgs/invitation_accept.html",
        {
            "invitation": invitation,
            "token": token,
            "org": org,
            "existing": existing,
            "email_differs": email_differs,
        },
    )
