"""Each invoice names the agreement of what it bills, filled from its
milestone, royalty report or fixed payment."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Invoice = apps.get_model("projects", "Invoice")
    Milestone = apps.get_model("projects", "Milestone")
    RoyaltyReport = apps.get_model("projects", "RoyaltyReport")
    FixedPayment = apps.get_model("projects", "FixedPayment")

    def agreement_of(model, key):
        return Subquery(model.objects.filter(pk=OuterRef(key)).values("agreement_id")[:1])

    Invoice.objects.update(
        agreement_id=Coalesce(
            agreement_of(Milestone, "milestone_id"),
            agreement_of(RoyaltyReport, "royalty_report_id"),
            agreement_of(FixedPayment, "fixed_payment_id"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0012_report_facts"),
        ("projects", "0028_invoice_order_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="agreement",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="invoices",
                to="partnerships.agreement",
                verbose_name="agreement",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="invoice",
            name="agreement",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="invoices",
                to="partnerships.agreement",
                verbose_name="agreement",
            ),
        ),
    ]
