from django.core.management.base import BaseCommand

from advisor.knowledge.loader import load_seed


class Command(BaseCommand):
    help = "Replace the knowledge base with the shipped defaults (the sourcing guide)."

    def handle(self, *args: object, **options: object) -> None:
        load_seed()
        self.stdout.write(self.style.SUCCESS("The shipped knowledge base is restored."))
