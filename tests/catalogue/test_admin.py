"""The catalogue admin: pages load for staff, a new amount keeps the old price, and the price
import is reviewed before it is applied."""

from __future__ import annotations

import datetime
import html
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from advisor.catalogue.models import AIModel, ModelPrice, QualityScore

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/catalogue/modelprice/import/"
MODELS = [AIModel, ModelPrice, QualityScore]


def admin_url(model, action: str = "changelist", *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_change_and_add_pages_load_for_a_superuser(admin_client, model) -> None:
    assert admin_client.get(admin_url(model)).status_code == 200
    obj = model.objects.order_by("pk").first()
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200


def test_the_model_list_filters_and_searches(admin_client) -> None:
    page = admin_client.get(admin_url(AIModel), {"open_weights__exact": "1", "q": "llama"})
    text = page.content.decode()
    assert "Llama 4 Maverick" in text
    assert "GPT-5 mini" not in text


def test_anonymous_and_non_staff_users_cannot_reach_the_import(client, django_user_model):
    assert client.get(IMPORT_URL).url.startswith("/admin/login/")
    client.force_login(django_user_model.objects.create_user("v", password="pw-visitor-123"))
    assert client.get(IMPORT_URL).url.startswith("/admin/login/")


def test_staff_without_the_right_to_change_prices_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("s", password="pw-staff-123", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_modelprice"))
    client.force_login(user)
    assert client.get(IMPORT_URL).status_code == 403


def test_a_new_amount_in_the_model_form_keeps_the_old_price(admin_client) -> None:
    model = AIModel.objects.get(key="llama-3-1-8b")
    page = admin_client.get(admin_url(AIModel, "change", model.pk))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "open_weights": "on",
            "production_allowed": "on",
            "import_refs": model.import_refs,
        }
    )
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        prefix = fs.prefix
        data[f"{prefix}-TOTAL_FORMS"] = str(len(fs.forms))
        data[f"{prefix}-INITIAL_FORMS"] = str(fs.initial_form_count())
        for index, inline in enumerate(fs.forms):
            for name, value in inline.initial.items():
                if value is not None and name != "model":
                    data[f"{prefix}-{index}-{name}"] = (
                        "on" if value is True else ("" if value is False else str(value))
                    )
            data[f"{prefix}-{index}-id"] = str(inline.instance.pk)
            data[f"{prefix}-{index}-model"] = str(model.pk)
    price_prefix = next(
        f.formset.prefix
        for f in page.context["inline_admin_formsets"]
        if f.formset.model is ModelPrice
    )
    data[f"{price_prefix}-0-input_usd_per_mtok"] = "0.04"
    data[f"{price_prefix}-0-as_of"] = "2026-12-02"
    response = admin_client.post(admin_url(AIModel, "change", model.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    history = ModelPrice.objects.filter(model=model).order_by("as_of")
    assert [(p.input_usd_per_mtok, p.valid_until) for p in history] == [
        (Decimal("0.05"), datetime.date(2026, 12, 2)),
        (Decimal("0.04"), None),
    ]


def fingerprint_on(page: str) -> str:
    match = re.search(r'name="fingerprint" value="(\w+)"', page)
    assert match, page[:2000]
    return match.group(1)


def apply_form(page: str) -> dict[str, str]:
    """What the review page's apply button sends: the fingerprint, and the kept file's code."""
    form = {"apply": "1", "fingerprint": fingerprint_on(page)}
    code = re.search(r'name="review_code" value="([^"]+)"', page)
    if code:
        form["review_code"] = html.unescape(code.group(1))
    return form


def test_the_review_page_lists_changes_and_applies_exactly_them(admin_client) -> None:
    page = admin_client.get(IMPORT_URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert re.search(r"\d+ new, \d+ changed, \d+ re-checked", text)
    assert 'data-kind="new"' in text
    before = ModelPrice.objects.count()
    assert ModelPrice.objects.count() == before  # reviewing wrote nothing
    response = admin_client.post(IMPORT_URL, {"apply": "1", "fingerprint": fingerprint_on(text)})
    assert response.status_code == 302
    assert ModelPrice.objects.count() > before
    again = admin_client.get(IMPORT_URL).content.decode()
    assert "Nothing to apply" in again


def test_a_stale_review_is_refused_and_changes_nothing(admin_client) -> None:
    fingerprint = fingerprint_on(admin_client.get(IMPORT_URL).content.decode())
    ModelPrice.current.filter(model__key="gpt-5").update(as_of=datetime.date(2026, 1, 2))
    before = list(ModelPrice.objects.values_list("pk", "as_of"))
    response = admin_client.post(IMPORT_URL, {"apply": "1", "fingerprint": fingerprint})
    assert response.status_code == 200
    assert "review them again" in response.content.decode()
    assert list(ModelPrice.objects.values_list("pk", "as_of")) == before


def test_an_uploaded_file_is_reviewed_then_applied(admin_client) -> None:
    data = {
        "source": "Vendor list",
        "as_of": "2026-12-01",
        "prices": [
            {
                "ref": "openai:gpt-5",
                "provider": "OpenAI",
                "input_usd_per_mtok": "1",
                "output_usd_per_mtok": "8",
            }
        ],
    }
    upload = SimpleUploadedFile("prices.json", json.dumps(data).encode(), "application/json")
    page = admin_client.post(IMPORT_URL, {"review": "1", "file": upload}).content.decode()
    assert 'data-kind="changed"' in page
    response = admin_client.post(IMPORT_URL, apply_form(page))
    assert response.status_code == 302
    assert ModelPrice.current.get(model__key="gpt-5").input_usd_per_mtok == Decimal(1)


def test_a_malformed_upload_says_what_is_wrong(admin_client) -> None:
    upload = SimpleUploadedFile("prices.json", b"{not json", "application/json")
    page = admin_client.post(IMPORT_URL, {"review": "1", "file": upload}).content.decode()
    assert "Not JSON" in page
    assert "Nothing was changed" in page
