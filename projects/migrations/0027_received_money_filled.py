"""Sum the payments received so far. The key is worked out here, on the
migration's models, not imported from ``projects.services.open_money``, so
that this migration keeps doing what it did when it was written."""

import datetime

from django.db import migrations
from django.db.models import Case, Count, DateField, F, IntegerField, Sum, When
from django.db.models.functions import Coalesce, TruncQuarter


def fill(apps, schema_editor):
    alias = schema_editor.connection.alias
    payment_model = apps.get_model("projects", "Payment")
    received_model = apps.get_model("projects", "ReceivedMoney")
    project = "invoice__milestone__project__"
    rows = (
        payment_model.objects.using(alias)
        .order_by()
        .values(
            "currency",
            quarter=TruncQuarter("paid_on", output_field=DateField()),
            lead_institution_id=F(f"{project}lead_institution_id"),
            joint_centre_id=F(f"{project}joint_centre_id"),
            partnership_id=F(f"{project}partnership_id"),
            agreement_id=Case(
                When(
                    invoice__milestone__isnull=True,
                    then=Coalesce(
                        "invoice__royalty_report__agreement_id",
                        "invoice__fixed_payment__agreement_id",
                    ),
                ),
                default=None,
                output_field=IntegerField(),
            ),
        )
        .annotate(amount=Sum("amount"), payments=Count("pk"))
    )
    received = []
    for row in rows:
        if isinstance(row["quarter"], datetime.datetime):
            row["quarter"] = row["quarter"].date()
        received.append(received_model(**row))
    received_model.objects.using(alias).bulk_create(received, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0026_received_money"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
