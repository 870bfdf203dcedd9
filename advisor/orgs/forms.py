"""Forms for accounts and organisations (rendered by the site's one form renderer)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from advisor.orgs.models import Invitation, Organisation, Role, pending_invitations


class SignupForm(UserCreationForm):
    """Django's user creation form with a required, unique email address."""

    email = forms.EmailField(
        max_length=254,
        help_text="Used for password resets and invitations.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if get_user_model()._default_manager.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email address already exists. Log in, or reset "
                "your password if you have forgotten it."
            )
        return email


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
