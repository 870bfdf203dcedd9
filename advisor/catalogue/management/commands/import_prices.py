"""Refresh the catalogue's prices from public price data, showing every change first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from advisor.catalogue import importer


class Command(BaseCommand):
    help = (
        "Compare the catalogue's prices with the price data bundled in the genai-prices "
        "package (or a JSON file) and list every change. Nothing is written without --apply."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", help="A JSON price file instead of the bundled data.")
        parser.add_argument(
            "--apply", action="store_true", help="Write the listed changes (one transaction)."
        )
        parser.add_argument(
            "--fingerprint",
            help="With --apply: only apply if the changes are still those of this review.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["file"]:
                data = importer.price_data_from_json(Path(options["file"]).read_bytes())
            else:
                data = importer.bundled_price_data()
            plan = importer.plan(data)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        except importer.PriceDataError as error:
            raise CommandError(
                "The price data is not usable; nothing was changed:\n  "
                + "\n  ".join(error.problems)
            ) from error
        self.stdout.write(f"Prices from {data.source}, checked {data.as_of.isoformat()}.")
        for change in plan.changes:
            if change.kind in {"unchanged", "kept"} and options["verbosity"] < 2:
                continue
            self.stdout.write(f"  {describe(change)}")
        self.stdout.write(plan.summary())
        self.stdout.write(f"Fingerprint: {plan.fingerprint}")
        if not options["apply"]:
            if plan.actionable:
                self.stdout.write(
                    "Nothing was written. To apply exactly these changes: "
                    f"manage.py import_prices --apply --fingerprint {plan.fingerprint}"
                )
            else:
                self.stdout.write("Nothing to apply: the catalogue already has these prices.")
            return
        try:
            applied = importer.apply(data, options["fingerprint"] or plan.fingerprint)
        except importer.AlreadyApplied as error:
            self.stdout.write(str(error))
            return
        except importer.StaleReview as error:
            raise CommandError(str(error)) from error
        if applied.actionable:
            self.stdout.write(
                self.style.SUCCESS(f"Applied {len(applied.actionable)} changes: {plan.summary()}")
            )
        else:
            self.stdout.write("Nothing to apply: the catalogue already has these prices.")


def describe(change: importer.Change) -> str:
    line = _describe(change)
    return f"{line} from {change.source_url}" if change.source_url else line


def _describe(change: importer.Change) -> str:
    where = f"{change.model_name} at {change.provider}"
    if change.kind == "new":
        return f"new        {where}: ${change.new_input} in, ${change.new_output} out"
    if change.kind == "changed":
        return (
            f"changed    {where}: ${change.old_input}/${change.old_output} "
            f"(as of {change.old_as_of}) -> ${change.new_input}/${change.new_output}"
        )
    if change.kind == "unmatched":
        return f"unmatched  {where}: the data has no {change.ref!r}"
    if change.kind == "kept":
        return f"kept       {where}: ${change.old_input}/${change.old_output} (by hand)"
    return (
        f"{change.kind:<10} {where}: ${change.new_input}/${change.new_output} "
        f"(last checked {change.old_as_of})"
    )
