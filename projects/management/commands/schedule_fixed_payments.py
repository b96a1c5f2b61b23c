"""Record the fixed payments the signed agreements' terms make owed now:
upfronts not recorded yet (agreements signed before fixed payments
existed) and the annual fees falling due within the next 90 days. The
daily reminder round does the same each morning; run this to catch up at
once. Running it again records nothing twice."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from projects.services.fixed_payments import (
    agreement_fixed_payments_schedule,
    agreements_with_fixed_terms,
)


class Command(BaseCommand):
    help = "Record the upfronts and annual fees that signed agreements make owed."

    def handle(self, *args, **options):
        today = timezone.localdate()
        recorded = 0
        for agreement in agreements_with_fixed_terms().order_by("reference"):
            created = agreement_fixed_payments_schedule(agreement=agreement, today=today)
            for fixed_payment in created:
                self.stdout.write(f"{agreement.reference}: {fixed_payment.label}")
            recorded += len(created)
        self.stdout.write(self.style.SUCCESS(f"{recorded} fixed payments recorded."))
