"""The partner's overview reads its lists in order from partial indexes: the
open invoices (``Invoice.paid_in_full_on`` empty) soonest due, the expected
milestones soonest due and the claims oldest first.

The day each invoice was paid in full is recorded for the invoices whose
payments already add up to their amount: the day of the last payment. The
query is written here, on the migration's models, so that this migration
keeps doing what it did when it was written."""

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery, Sum


def record_paid_in_full(apps, schema_editor):
    invoice_model = apps.get_model("projects", "Invoice")
    payment_model = apps.get_model("projects", "Payment")
    alias = schema_editor.connection.alias
    payments = (
        payment_model.objects.using(alias)
        .filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
    )
    invoice_model.objects.using(alias).filter(
        amount=Subquery(payments.annotate(total=Sum("amount")).values("total")[:1])
    ).update(paid_in_full_on=Subquery(payments.annotate(last=Max("paid_on")).values("last")[:1]))


class Migration(migrations.Migration):
    dependencies = [("projects", "0021_partner_stage_counts_from_projects")]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="paid_in_full_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="paid in full on"
            ),
        ),
        migrations.RunPython(record_paid_in_full, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                condition=models.Q(("paid_in_full_on__isnull", True)),
                fields=["due_on", "id"],
                name="invoice_unpaid_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="milestone",
            index=models.Index(
                condition=models.Q(
                    models.Q(
                        ("trigger_stage__isnull", True),
                        ("triggered_on__isnull", False),
                        _connector="OR",
                    ),
                    ("due_date__isnull", False),
                    ("status__in", ("planned", "claimed", "disputed", "verified")),
                ),
                fields=["due_date", "id"],
                name="milestone_expected_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="milestone",
            index=models.Index(
                condition=models.Q(("status", "claimed")),
                fields=["claimed_at", "id"],
                name="milestone_claimed_idx",
            ),
        ),
    ]
