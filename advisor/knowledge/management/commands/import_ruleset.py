import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from advisor.knowledge.loader import RulesetImportError, load_document


class Command(BaseCommand):
    # The repair for a knowledge base that fails the contract check (knowledge.E001...).
    requires_system_checks: list[str] = []
    help = (
        "Replace the ruleset with one exported by export_ruleset. Everything is validated "
        "first; on any error nothing changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="JSON file to read ('-' for stdin)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["path"] == "-":
                document = json.load(sys.stdin)
            else:
                with open(options["path"], encoding="utf-8") as handle:
                    document = json.load(handle)
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {options['path']}: {error}") from error
        try:
            load_document(document)
        except RulesetImportError as error:
            raise CommandError(
                "Nothing was changed. Problems:\n" + "\n".join(f"- {p}" for p in error.problems)
            ) from error
        self.stdout.write(self.style.SUCCESS("Ruleset imported."))
