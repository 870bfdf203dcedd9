"""What a hostile or careless price file can do: nothing. Every entry is checked with the
models' own limits before the review, the database refuses what the models refuse, a
database that already holds such a row is repaired, and links are http(s) only."""

from __future__ import annotations

import datetime
import importlib
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DataError, IntegrityError, connection, transaction
from django.urls import reverse

from advisor.catalogue import importer
from advisor.catalogue.models import AIModel, ModelPrice, PriceImport
from advisor.knowledge.models import Offering

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/catalogue/modelprice/import/"
REF = "groq:llama-3.3-70b-versatile"  # a current price whose offering follows it
CONSTRAINTS = ("input_price_in_range", "output_price_in_range", "price_source_url_is_http")


def entry(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "ref": REF,
        "provider": "Groq",
        "input_usd_per_mtok": "0.50",
        "output_usd_per_mtok": "0.70",
        "source_url": "https://groq.com/pricing",
    }
    row.update(changes)
    return row


def price_file(*rows: dict[str, object], **top: object) -> dict[str, object]:
    return {"source": "Vendor list", "as_of": "2026-12-01", "prices": list(rows), **top}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_prices", *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(data))
    return str(path)


def stored() -> list[tuple[object, ...]]:
    rows = ModelPrice.objects.order_by("pk").values_list(
        "pk", "input_usd_per_mtok", "output_usd_per_mtok", "as_of", "source_url", "valid_until"
    )
    offerings = Offering.objects.order_by("pk").values_list("pk", "input_usd_per_mtok", "as_of")
    return [*rows, *offerings]


# --- 1. refused before the review ------------------------------------------------------

UNSTORABLE = [
    pytest.param(entry(input_usd_per_mtok="1250000"), "input_usd_per_mtok", id="a-million"),
    pytest.param(entry(output_usd_per_mtok="1e308"), "output_usd_per_mtok", id="1e308"),
    pytest.param(entry(input_usd_per_mtok="NaN"), "input_usd_per_mtok", id="nan"),
    pytest.param(entry(output_usd_per_mtok="Infinity"), "output_usd_per_mtok", id="infinity"),
    pytest.param(entry(input_usd_per_mtok="-1"), "input_usd_per_mtok", id="negative"),
    pytest.param(entry(input_usd_per_mtok="0.12345"), "input_usd_per_mtok", id="5-places"),
    pytest.param(entry(source_url="https://x.org/" + "a" * 5000), "source_url", id="long-url"),
    pytest.param(entry(source_url="javascript:alert(1)"), "source_url", id="javascript"),
    pytest.param(entry(source_url="data:text/html,<b>"), "source_url", id="data-url"),
    pytest.param(entry(source_url="ftp://x.org/prices"), "source_url", id="ftp"),
    pytest.param(entry(provider="G" * 5000), "provider", id="long-provider"),
    pytest.param(entry(provider="Gr\x00oq"), "provider", id="nul"),
    pytest.param(entry(provider=["Groq"]), "provider", id="not-text"),
]


@pytest.mark.parametrize(("row", "field"), UNSTORABLE)
def test_an_entry_the_catalogue_cannot_store_refuses_the_whole_file(tmp_path, row, field):
    fine = entry(ref="groq:llama-3.1-8b-instant", input_usd_per_mtok="0.01")
    before = stored()
    with pytest.raises(CommandError, match="nothing was changed") as error:
        run("--file", write(tmp_path, price_file(fine, row)), "--apply")
    message = str(error.value)
    assert f"prices[1] ({REF}): {field}: " in message  # the entry, the field, the reason
    assert "prices[0]" not in message
    assert stored() == before  # the good entry is not applied either


@pytest.mark.parametrize(
    ("top", "reason"),
    [
        ({"source": "x" * 5000}, "'source': Ensure this value has at most 200 characters"),
        ({"source": "Vendor\x00list"}, "'source': Null characters are not allowed"),
        ({"as_of": "2026-02-30"}, "'as_of' must be the date"),
        ({"as_of": "9999-12-31"}, "'as_of' is in the future"),
        ({"as_of": 20261201}, "'as_of' must be the date"),
    ],
)
def test_an_unusable_source_or_date_refuses_the_file(tmp_path, top, reason) -> None:
    before = stored()
    with pytest.raises(CommandError, match="nothing was changed") as error:
        run("--file", write(tmp_path, price_file(entry(), **top)), "--apply")
    assert reason in str(error.value)
    assert stored() == before


def test_a_file_with_many_problems_lists_the_first_fifty(tmp_path) -> None:
    rows = [entry(ref=f"groq:m{i}", input_usd_per_mtok="-1") for i in range(80)]
    with pytest.raises(CommandError) as error:
        run("--file", write(tmp_path, price_file(*rows)))
    lines = str(error.value).splitlines()
    assert len([line for line in lines if "prices[" in line]) == importer.MAX_PROBLEMS
    assert lines[-1].strip() == "... and 30 more problems."


def test_the_bundled_data_is_refused_when_the_catalogue_needs_an_unstorable_entry() -> None:
    data = importer.bundled_price_data()
    ref = next(iter(data.refused))  # the bundled data has a few prices with 5 places
    AIModel.objects.filter(key="phi-4").update(import_refs=ref)
    before = stored()
    with pytest.raises(CommandError, match="cannot store") as error:
        run("--apply")
    assert ref in str(error.value)
    assert stored() == before


def test_the_admin_refuses_the_file_before_the_review(admin_client) -> None:
    body = json.dumps(price_file(entry(input_usd_per_mtok="1250000"))).encode()
    upload = SimpleUploadedFile("prices.json", body, "application/json")
    page = admin_client.post(IMPORT_URL, {"review": "1", "file": upload})
    text = page.content.decode()
    assert page.status_code == 200
    assert f"prices[0] ({REF}): input_usd_per_mtok: " in text
    assert "Nothing was changed" in text
    assert 'name="apply"' not in text
    assert not PriceImport.objects.exists()


# --- 1. the database refuses it, and a database holding one is repaired -----------------


@pytest.mark.parametrize(
    "values",
    [
        {"input_usd_per_mtok": Decimal("1250000")},
        {"output_usd_per_mtok": Decimal("-0.01")},
        {"source_url": "javascript:alert(1)"},
    ],
    ids=["a-million", "negative", "javascript"],
)
def test_the_database_refuses_what_the_model_refuses(values) -> None:
    price = ModelPrice.current.get(import_ref=REF)
    # PostgreSQL refuses an amount wider than the column itself (DataError).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        ModelPrice.objects.filter(pk=price.pk).update(**values)


@contextmanager
def checks_off() -> Iterator[Decimal]:
    """A database from before the checks: SQLite stored any number in a decimal column;
    PostgreSQL stores NaN in one. Yields the bad amount that database could hold."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            try:
                yield Decimal("1250000")
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
        else:  # dropped inside the test's transaction, which rolls it back
            for name in CONSTRAINTS:
                cursor.execute(f"ALTER TABLE catalogue_modelprice DROP CONSTRAINT {name}")
            yield Decimal("NaN")


def store_a_bad_import() -> tuple[ModelPrice, ModelPrice, ModelPrice]:
    """What a hostile file did before the fix: the Groq price replaced by a bad one, the
    price book's offering following it, and a javascript: link on another price.
    Returns (the replaced price, the bad one, the one with the link)."""
    old = ModelPrice.current.get(import_ref=REF)
    other = ModelPrice.current.exclude(pk=old.pk).order_by("pk").first()
    offering = Offering.objects.get(key=old.offering_key)
    with checks_off() as bad, connection.cursor() as cursor:
        new = old.replace(
            input_usd_per_mtok=Decimal(1),
            output_usd_per_mtok=Decimal(1),
            as_of=datetime.date(2026, 12, 1),
            source="hostile",
            source_url="javascript:alert(1)",
        )
        ModelPrice.objects.filter(pk=other.pk).update(source_url="javascript:alert(2)")
        # The ORM refuses NaN itself.
        cursor.execute(
            "UPDATE catalogue_modelprice SET input_usd_per_mtok = %s WHERE id = %s",
            [str(bad), new.pk],
        )
        cursor.execute(
            "UPDATE knowledge_offering SET input_usd_per_mtok = %s WHERE id = %s",
            [str(bad), offering.pk],
        )
    return old, new, other


def test_reset_catalogue_and_reset_knowledge_repair_a_database_holding_one(admin_client):
    store_a_bad_import()
    call_command("reset_catalogue", stdout=io.StringIO())
    call_command("reset_knowledge", stdout=io.StringIO())
    assert ModelPrice.current.get(import_ref=REF).input_usd_per_mtok == Decimal("0.59")
    assert Offering.objects.get(key="llama-3-3-70b-groq").input_usd_per_mtok == Decimal("0.59")
    assert admin_client.get(reverse("admin:catalogue_modelprice_changelist")).status_code == 200
    assert admin_client.get("/api/v1/models").status_code == 200


def test_the_migration_puts_back_the_price_a_bad_import_replaced() -> None:
    old, bad, other = store_a_bad_import()
    migration = importlib.import_module("advisor.catalogue.migrations.0003_price_limits")
    migration.repair(apps, None)
    assert not ModelPrice.objects.filter(pk=bad.pk).exists()
    back = ModelPrice.current.get(import_ref=REF)
    assert (back.pk, back.input_usd_per_mtok) == (old.pk, Decimal("0.59"))
    offering = Offering.objects.get(key=old.offering_key)
    assert (offering.input_usd_per_mtok, offering.as_of) == (Decimal("0.59"), old.as_of)
    assert ModelPrice.objects.get(pk=other.pk).source_url == ""
    assert ModelPrice.objects.filter(source_url__istartswith="javascript").count() == 0


# --- 2. links: http(s) only; the fingerprint covers everything applied -------------------


def test_the_admin_refuses_a_link_that_is_not_http(admin_client) -> None:
    price = ModelPrice.current.get(import_ref=REF)
    form = {
        "model": str(price.model_id),
        "provider": price.provider,
        "input_usd_per_mtok": str(price.input_usd_per_mtok),
        "output_usd_per_mtok": str(price.output_usd_per_mtok),
        "as_of": price.as_of.isoformat(),
        "source": price.source,
        "source_url": "ftp://example.org/prices",
        "import_ref": price.import_ref,
        "offering_key": price.offering_key,
    }
    url = reverse("admin:catalogue_modelprice_change", args=[price.pk])
    page = admin_client.post(url, form)
    assert page.status_code == 200
    assert "source_url" in page.context["adminform"].form.errors
    assert ModelPrice.objects.get(pk=price.pk).source_url == price.source_url
    form["source_url"] = "https://example.org/prices"
    assert admin_client.post(url, form).status_code == 302  # the same form, with a web link


@pytest.mark.parametrize(
    ("reviewed", "applied"),
    [
        (entry(), entry(source_url="https://attacker.example/")),  # changed
        (
            entry(input_usd_per_mtok="0.59", output_usd_per_mtok="0.79"),
            entry(
                input_usd_per_mtok="0.59",
                output_usd_per_mtok="0.79",
                source_url="https://a.example/",
            ),
        ),  # re-checked
        (entry(ref="groq:new-model"), entry(ref="groq:new-model", source_url="https://a.example/")),
    ],
    ids=["changed", "re-checked", "new"],
)
def test_a_link_changed_after_the_review_makes_it_stale(reviewed, applied) -> None:
    AIModel.objects.filter(key="phi-4").update(import_refs="groq:new-model")
    review = importer.plan(importer.price_data_from_json(json.dumps(price_file(reviewed))))
    assert review.actionable
    before = stored()
    data = importer.price_data_from_json(json.dumps(price_file(applied)))
    with pytest.raises(importer.StaleReview, match="review them again"):
        importer.apply(data, review.fingerprint)
    assert stored() == before


def test_an_offering_link_changed_after_the_review_makes_it_stale() -> None:
    data = importer.price_data_from_json(json.dumps(price_file(entry())))
    review = importer.plan(data)
    ModelPrice.current.filter(import_ref=REF).update(offering_key="gpt-5")
    with pytest.raises(importer.StaleReview):
        importer.apply(data, review.fingerprint)
    assert Offering.objects.get(key="gpt-5").input_usd_per_mtok != Decimal("0.50")


def test_the_review_shows_the_link_applying_writes(tmp_path) -> None:
    output = run("--file", write(tmp_path, price_file(entry())))
    assert "from https://groq.com/pricing" in output
