"""One way to render a form field, for every form of the site.

``FORM_RENDERER`` points at :class:`FormRenderer`: every field renders through
``templates/forms/field.html`` (label or legend, help text, the error message under the
field) and every widget gets Bootstrap's classes, plus ``is-invalid`` next to the
``aria-invalid="true"`` and ``aria-describedby`` that Django adds when the field has errors.
A template writes ``{{ form }}`` or ``{{ form.field.as_field_group }}``; none writes field
markup by hand, so errors and ARIA attributes cannot differ between pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

#: Bootstrap's class for each kind of widget (by ``BoundField.widget_type``).
WIDGET_CLASSES = {
    "checkbox": "form-check-input",
    "radioselect": "form-check-input",
    "optioncards": "form-check-input",
    "select": "form-select",
}


class BoundField(forms.BoundField):
    """Adds Bootstrap's classes to the widget, and lets a field ask for its label as the
    page's heading (``field.heading = True``: a wizard step's question)."""

    def build_widget_attrs(self, attrs: Mapping[str, Any], widget: Any = None) -> dict[str, Any]:
        built: dict[str, Any] = super().build_widget_attrs(dict(attrs), widget)
        classes = [
            str(built.get("class", "")),
            WIDGET_CLASSES.get(self.widget_type, "form-control"),
        ]
        if self.errors:
            classes.append("is-invalid")
            if self.use_fieldset and self.auto_id:
                # Django describes a group of radio buttons on its fieldset; each button
                # also names the message, so it is read whichever button has focus.
                built.setdefault("aria-describedby", f"{self.auto_id}_error")
        built["class"] = " ".join(name for name in classes if name)
        return built

    def get_context(self) -> dict[str, Any]:
        return {**super().get_context(), "heading": getattr(self.field, "heading", False)}


class FormRenderer(TemplatesSetting):
    """The site's form renderer: our field template and bound field everywhere."""

    field_template_name = "forms/field.html"
    bound_field_class = BoundField


class OptionCards(forms.RadioSelect):
    """Radio buttons as cards, each with an optional line of help under its label."""

    template_name = "forms/widgets/option_cards.html"

    def __init__(self, *args: Any, hints: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hints = dict(hints or {})

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["hint"] = self.hints.get(str(option["value"]), "")
        if option["hint"] and option["attrs"].get("id"):
            option["hint_id"] = f"{option['attrs']['id']}_hint"
            described = option["attrs"].get("aria-describedby", "")
            option["attrs"]["aria-describedby"] = f"{described} {option['hint_id']}".strip()
        return option


class NumberWithUnit(forms.NumberInput):
    """A whole-number input followed by its unit ("requests per day")."""

    template_name = "forms/widgets/number_unit.html"

    def __init__(self, *args: Any, unit: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["unit"] = self.unit
        return context
