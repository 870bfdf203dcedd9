from django.core.management.base import BaseCommand

from advisor.catalogue.loader import load_catalogue


class Command(BaseCommand):
    help = "Replace the model catalogue (models, prices with history, scores) with the shipped one."

    def handle(self, *args: object, **options: object) -> None:
        count = load_catalogue()
        self.stdout.write(self.style.SUCCESS(f"The shipped catalogue is restored: {count} models."))
