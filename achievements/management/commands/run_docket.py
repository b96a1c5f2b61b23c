"""The docket's daily round, for installations that run cron rather than
Celery beat: expire the applications whose term ran out and send the
deadline reminders (90, 30 and 7 days ahead, and overdue). Running it
twice on a day sends nothing twice."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from achievements.services import applications_expire, deadlines_remind


class Command(BaseCommand):
    help = "Expire lapsed applications and send the patent docket's deadline reminders."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Run as on this day (YYYY-MM-DD) instead of today, e.g. to catch up.",
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date takes a date as YYYY-MM-DD.") from None
        expired = applications_expire(today=today)
        reminded = deadlines_remind(today=today)
        self.stdout.write(
            self.style.SUCCESS(
                f"{today}: {expired} applications expired, {reminded} reminders sent."
            )
        )
