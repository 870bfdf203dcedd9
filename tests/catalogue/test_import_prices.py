"""import_prices: a reviewable list of changes first, then exactly those changes, once."""

from __future__ import annotations

import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from advisor.catalogue import importer
from advisor.catalogue.models import AIModel, ModelPrice
from advisor.knowledge.models import Offering, RulesetState

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(
    r"(\d+) new, (\d+) changed, (\d+) re-checked, (\d+) unchanged, (\d+) kept, (\d+) unmatched"
)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_prices", *args, stdout=out)
    return out.getvalue()


def counts(output: str) -> dict[str, int]:
    match = SUMMARY.search(output)
    assert match, output
    return dict(zip(importer.KINDS, map(int, match.groups()), strict=True))


def snapshot_of_prices() -> list[tuple]:
    return list(
        ModelPrice.objects.order_by("pk").values_list(
            "pk", "input_usd_per_mtok", "output_usd_per_mtok", "as_of", "valid_until"
        )
    )


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_a_dry_run_lists_the_changes_and_writes_nothing() -> None:
    before, version = snapshot_of_prices(), RulesetState.current()[0]
    output = run()
    found = counts(output)
    assert found["new"] > 0
    assert found["re-checked"] > 0
    assert "Nothing was written" in output
    assert snapshot_of_prices() == before
    assert RulesetState.current()[0] == version


def test_apply_writes_the_listed_changes_and_a_second_run_changes_nothing() -> None:
    reviewed = counts(run())
    prices = ModelPrice.objects.count()
    version = RulesetState.current()[0]
    applied = run("--apply")
    assert counts(applied) == reviewed
    assert ModelPrice.objects.count() == prices + reviewed["new"]
    assert RulesetState.current()[0] == version + 1  # one bump for the whole import
    today = datetime.date.today()
    assert ModelPrice.current.filter(import_ref="groq:llama-3.3-70b-versatile").get().as_of == today

    after = snapshot_of_prices()
    again = counts(run("--apply"))
    assert again["new"] == again["changed"] == again["re-checked"] == 0
    assert again["unchanged"] == reviewed["re-checked"] + reviewed["new"]
    assert snapshot_of_prices() == after
    assert RulesetState.current()[0] == version + 1


def test_a_review_that_has_gone_stale_is_refused() -> None:
    output = run()
    fingerprint = re.search(r"Fingerprint: (\w+)", output).group(1)
    # Someone edits a price after the review.
    price = ModelPrice.current.get(model__key="gpt-5")
    price.replace(
        input_usd_per_mtok=Decimal(2),
        output_usd_per_mtok=Decimal(12),
        as_of=datetime.date(2026, 11, 1),
        source="OpenAI pricing page",
    )
    before = snapshot_of_prices()
    with pytest.raises(CommandError, match="review them again"):
        run("--apply", "--fingerprint", fingerprint)
    assert snapshot_of_prices() == before


def test_a_changed_price_is_kept_in_history_and_the_price_book_follows(tmp_path) -> None:
    data = {
        "source": "Vendor price list",
        "as_of": "2026-12-01",
        "prices": [
            {
                "ref": "groq:llama-3.3-70b-versatile",
                "provider": "Groq",
                "input_usd_per_mtok": "0.50",
                "output_usd_per_mtok": "0.70",
                "source_url": "https://example.org/groq",
            }
        ],
    }
    output = run("--file", write(tmp_path, data), "--apply")
    assert counts(output)["changed"] == 1
    assert "$0.59/$0.79" in output  # the reviewer sees the old price beside the new one
    history = ModelPrice.objects.filter(import_ref="groq:llama-3.3-70b-versatile")
    assert sorted((p.input_usd_per_mtok, p.valid_until) for p in history) == [
        (Decimal("0.50"), None),
        (Decimal("0.59"), datetime.date(2026, 12, 1)),
    ]
    offering = Offering.objects.get(key="llama-3-3-70b-groq")
    assert (offering.input_usd_per_mtok, offering.output_usd_per_mtok) == (
        Decimal("0.50"),
        Decimal("0.70"),
    )
    assert offering.as_of == datetime.date(2026, 12, 1)


def test_prices_kept_by_hand_are_never_changed(tmp_path) -> None:
    ModelPrice.current.filter(import_ref="groq:llama-3.3-70b-versatile").update(manual=True)
    data = {
        "source": "x",
        "as_of": "2026-12-01",
        "prices": [
            {
                "ref": "groq:llama-3.3-70b-versatile",
                "input_usd_per_mtok": "9",
                "output_usd_per_mtok": "9",
            }
        ],
    }
    found = counts(run("--file", write(tmp_path, data), "--apply"))
    assert found["changed"] == 0
    assert found["kept"] >= 1
    price = ModelPrice.current.get(import_ref="groq:llama-3.3-70b-versatile")
    assert price.input_usd_per_mtok == Decimal("0.59")


def test_references_the_data_lacks_are_unmatched(tmp_path) -> None:
    AIModel.objects.filter(key="phi-4").update(import_refs="nowhere:phi-4")
    data = {"source": "x", "as_of": "2026-12-01", "prices": []}
    output = run("--file", write(tmp_path, data))
    assert counts(output)["unmatched"] >= 1
    assert "nowhere:phi-4" in output


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not json", "Not JSON"),
        ({"source": "x", "as_of": "yesterday", "prices": []}, "as_of"),
        (
            {"source": "x", "as_of": "2026-12-01", "prices": [{"ref": "groq:a"}]},
            "price",
        ),
        (
            {
                "source": "x",
                "as_of": "2026-12-01",
                "prices": [
                    {"ref": "groq:a", "input_usd_per_mtok": "-1", "output_usd_per_mtok": "1"}
                ],
            },
            "greater than or equal to 0",
        ),
        ({"as_of": "2026-12-01", "prices": []}, "source"),
    ],
)
def test_a_malformed_file_changes_nothing_and_says_what_is_wrong(tmp_path, data, message):
    path = tmp_path / "prices.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    before = snapshot_of_prices()
    with pytest.raises(CommandError, match="nothing was changed") as error:
        run("--file", str(path), "--apply")
    assert message in str(error.value)
    assert snapshot_of_prices() == before


def test_the_bundled_data_is_read_offline_with_its_source() -> None:
    data = importer.bundled_price_data()
    assert data.source.startswith("genai-prices ")
    assert data.prices["openai:gpt-5"]["input_usd_per_mtok"] == "1.25"
    assert all(":" in ref for ref in data.prices)


def test_applying_a_review_again_says_it_was_already_applied() -> None:
    fingerprint = re.search(r"Fingerprint: (\w+)", run()).group(1)
    run("--apply", "--fingerprint", fingerprint)
    after, version = snapshot_of_prices(), RulesetState.current()[0]
    again = run("--apply", "--fingerprint", fingerprint)
    assert "already applied" in again
    assert snapshot_of_prices() == after
    assert RulesetState.current()[0] == version
