from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from advisor.orgs.models import Membership
from advisor.reports.models import (
    NOTES_MAX_LENGTH,
    NOTES_MAX_LINES,
    TITLE_MAX_LENGTH,
    validate_notes_lines,
)

NOTES_HELP = (
    "Context for the readers: the task, the constraints, who asked "
    f"(up to {NOTES_MAX_LENGTH:,} characters on {NOTES_MAX_LINES} lines)."
)


class NotesField(forms.CharField):
    """A report's notes: line breaks as one character each (browsers send two, and count
    one against ``maxlength``), within the length and the number of lines of a report."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            max_length=NOTES_MAX_LENGTH,
            validators=[validate_notes_lines],
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=NOTES_HELP,
            error_messages={
                "max_length": f"Keep the notes to {NOTES_MAX_LENGTH:,} characters or fewer "
                "(these have %(show_value)s)."
            },
            **kwargs,
        )

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return text.replace("\r\n", "\n").replace("\r", "\n")


def title_field() -> forms.CharField:
    return forms.CharField(
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "required": "Give the report a title.",
            "max_length": "Keep the title to %(limit_value)s characters or fewer "
            "(this one has %(show_value)s).",
        },
    )


class SaveReportForm(forms.Form):
    org = forms.ChoiceField(label="Organisation")
    title = title_field()
    notes = NotesField()

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
    title = title_field()
    notes = NotesField()

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
