from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from advisor.wizard.models import WizardSession
from advisor.wizard.store import COOKIE_AGE


class Command(BaseCommand):
    help = (
        "Delete anonymous wizard sessions not used for a number of days (default: the "
        "cookie's lifetime, after which no browser can come back to them). Sessions of "
        "signed-in users are kept. Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=COOKIE_AGE // (24 * 60 * 60),
            help="Delete anonymous sessions last used more than this many days ago.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(days=max(options["days"], 0))
        deleted, _ = WizardSession.objects.filter(user__isnull=True, updated_at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} abandoned wizard session(s).")
