"""Forms for accounts and organisations (rendered by the site's one form renderer)."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from advisor.orgs.models import Invitation, Organisation, Role, pending_invitations

logger = logging.getLogger(__name__)


class SignupForm(UserCreationForm):
    """Django's user creation form with a required email address.

    The address is not required to be unused: refusing it would tell anyone whether an
    account uses it (a password reset reaches every account with the address).
    """

    email = forms.EmailField(
        max_length=254,
        help_text="Used for password resets and invitations.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, sending one email whether or not an account uses the address.

    Django sends nothing for an unknown address, so the answer came back faster: the time
    it took told whether an account exists. Now both cases render and send one email; the
    one to an unknown address says so and carries no link.
    """

    def save(self, *args: Any, **kwargs: Any) -> None:
        email = self.cleaned_data["email"]
        if any(True for _ in self.get_users(email)):
            super().save(*args, **kwargs)
            return
        request = kwargs.get("request")
        context = {
            "domain": kwargs.get("domain_override") or (request.get_host() if request else ""),
            "protocol": "https" if kwargs.get("use_https") else "http",
        }
        subject = render_to_string(
            kwargs.get("subject_template_name", "registration/password_reset_subject.txt"),
            context,
        )
        body = render_to_string("registration/password_reset_unknown_email.txt", context)
        message = EmailMessage(
            "".join(subject.splitlines()), body, kwargs.get("from_email"), [email]
        )
        try:
            message.send()
        except Exception:
            logger.exception("Could not send the no-account password reset email")


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ("name",)
        help_texts = {"name": "Your company or team, as your colleagues will recognise it."}


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        help_text="We email the invitation link to this address. You can also copy the "
        "link and send it yourself.",
    )
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.VIEWER,
        help_text="Owners manage members and settings; editors create and change reports; "
        "viewers can only read.",
    )

    def __init__(self, *args: object, org: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.org = org

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if self.org.memberships.filter(user__email__iexact=email).exists():
            raise forms.ValidationError("Someone with this email address is already a member.")
        pending = Invitation.objects.filter(pending_invitations(), org=self.org)
        if pending.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "This address already has a pending invitation. Revoke it first to send a new one."
            )
        return email
