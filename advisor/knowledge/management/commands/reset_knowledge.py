from django.core.management.base import BaseCommand
from django.db import transaction

from advisor.knowledge.loader import load_seed
from advisor.knowledge.regulation import load_regulation


class Command(BaseCommand):
    # The repair for a knowledge base that fails the contract check (knowledge.E001...).
    requires_system_checks: list[str] = []
    help = (
        "Replace the knowledge base with the shipped defaults (the sourcing guide), "
        "obligations and provider assurances included."
    )

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            load_regulation(bump=False)
            load_seed()  # bumps the version once for both
        self.stdout.write(self.style.SUCCESS("The shipped knowledge base is restored."))
