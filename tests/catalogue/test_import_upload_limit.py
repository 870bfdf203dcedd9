"""The import page says how large a price file may be, and takes a file of that size: it
is reviewed, then applied (the apply form sends the review's code, not the file again)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from advisor.catalogue.models import ModelPrice, PriceImport
from tests.catalogue.test_admin import IMPORT_URL, apply_form

pytestmark = pytest.mark.django_db

UNITS = {"KiB": 1024, "MB": 1_000_000, "kB": 1000}


def promised_limit(admin_client) -> int:
    page = admin_client.get(IMPORT_URL).content.decode()
    match = re.search(r"at most ([\d.]+) (KiB|MB|kB)", page)
    assert match, "the import page does not say how large a file may be"
    return int(float(match.group(1)) * UNITS[match.group(2)])


def price_file_of(size: int) -> bytes:
    """A realistic price file of exactly ``size`` bytes: one price the catalogue uses
    (GPT-5 at $1 / $8), then prices of models it does not list."""
    rows = [
        {
            "ref": "openai:gpt-5",
            "provider": "OpenAI",
            "input_usd_per_mtok": "1",
            "output_usd_per_mtok": "8",
            "source_url": "https://openai.com/api/pricing/",
        }
    ]
    data = {"source": "Vendor list", "as_of": "2026-12-01", "prices": rows}
    while len(json.dumps(data, indent=2)) < size - 300:
        rows.append(
            {
                "ref": f"other:model-{len(rows)}",
                "provider": "Other",
                "input_usd_per_mtok": "0.25",
                "output_usd_per_mtok": "1.5",
                "source_url": f"https://other.example/pricing#{len(rows)}",
            }
        )
    text = json.dumps(data, indent=2).encode()
    assert len(text) <= size
    return text + b" " * (size - len(text))


def upload(admin_client, body: bytes):
    file = SimpleUploadedFile("prices.json", body, "application/json")
    return admin_client.post(IMPORT_URL, {"review": "1", "file": file})


def test_a_file_of_the_promised_size_is_reviewed_and_applied(admin_client) -> None:
    limit = promised_limit(admin_client)
    response = upload(admin_client, price_file_of(limit))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-kind="changed"' in page
    applied = admin_client.post(IMPORT_URL, apply_form(page))
    assert applied.status_code == 302
    assert ModelPrice.current.get(model__key="gpt-5").input_usd_per_mtok == Decimal(1)


def test_a_larger_file_is_refused_with_the_limit_and_nothing_is_kept(admin_client) -> None:
    limit = promised_limit(admin_client)
    response = upload(admin_client, price_file_of(limit + 1))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"larger than {limit // 1024} KiB" in page
    assert "Nothing was changed" in page
    assert not PriceImport.objects.exists()
