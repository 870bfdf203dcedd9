from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from advisor.orgs.models import Membership


class SaveReportForm(forms.Form):
    org = forms.ChoiceField(label="Organisation")
    title = forms.CharField(max_length=200, error_messages={"required": "Give the report a title."})
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Context for the readers: the task, the constraints, who asked.",
    )

    def __init__(self, memberships: list[Membership], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = {m.org.code: m for m in memberships}
        org_field = self.fields["org"]
        assert isinstance(org_field, forms.ChoiceField)
        org_field.choices = [(m.org.code, m.org.name) for m in memberships]

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the report a title.")
        return title


class ReportDetailsForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Give the report a title."})
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the report a title.")
        return title


class ShareLinkForm(forms.Form):
    expires_on = forms.DateField(
        required=False,
        label="Expires on (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The link works until the end of this day (UTC). Leave empty for no expiry.",
    )

    def clean_expires_on(self) -> date | None:
        expires_on = self.cleaned_data.get("expires_on")
        if expires_on is not None and expires_on < timezone.now().date():
            raise forms.ValidationError("Choose today or a later date.")
        if expires_on is not None and expires_on >= date.max:  # no day after it to end on
            raise forms.ValidationError("Choose an earlier date, or leave it empty.")
        return expires_on
