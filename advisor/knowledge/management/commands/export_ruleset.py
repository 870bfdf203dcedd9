import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from advisor.knowledge.loader import export_document


class Command(BaseCommand):
    help = "Write the whole ruleset (questions, rules, presets, ...) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default="-", help="File to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        text = json.dumps(export_document(), indent=2, ensure_ascii=False) + "\n"
        if options["path"] == "-":
            self.stdout.write(text, ending="")
        else:
            with open(options["path"], "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Ruleset written to {options['path']}.")
