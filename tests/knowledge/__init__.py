"""Tests of the knowledge app; helpers for driving the admin like an editor does."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.urls import reverse


def admin_url(model: type[Model] | Model, action: str = "changelist", *args: Any) -> str:
    """e.g. ``admin_url(Rule, "change", rule.pk)`` -> /admin/knowledge/rule/<pk>/change/."""
    opts = model._meta
    if isinstance(model, Model) and not args:
        args = (model.pk,)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


def changeform_data(response: Any) -> dict[str, Any]:
    """The POST data a browser sends back from an admin add/change page left as it is."""
    data: dict[str, Any] = {}
    all_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        all_forms.extend(formset.forms)
    for form in all_forms:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
                data[key] = [str(item) for item in value or ()]
            elif isinstance(field.widget, forms.CheckboxInput):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            else:
                data[key] = "" if value is None else str(value)
    return data


def form_errors(response: Any) -> dict[str, list[str]]:
    """Errors of the main admin form, by field ('__all__' for the form as a whole)."""
    return {
        field: list(errors) for field, errors in response.context["adminform"].form.errors.items()
    }


def inline_errors(response: Any, index: int = 0) -> tuple[list[dict[str, list[str]]], list[str]]:
    """(errors of each form, errors of the formset as a whole) of the ``index``-th inline."""
    formset = response.context["inline_admin_formsets"][index].formset
    return (
        [{field: list(errors) for field, errors in form.errors.items()} for form in formset.forms],
        list(formset.non_form_errors()),
    )
