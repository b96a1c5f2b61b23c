"""Sum the open milestones' money recorded so far. The key is worked out
here, on the migration's models, not imported from
``projects.services.open_money``, so that this migration keeps doing what
it did when it was written."""

import datetime
from collections import Counter
from decimal import Decimal

from django.db import migrations
from django.db.models import Case, DecimalField, F, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

OPEN = ["planned", "claimed", "disputed", "verified", "invoiced", "partially_paid"]
UNPAID = ["invoiced", "partially_paid"]
AMOUNT = DecimalField(max_digits=26, decimal_places=2)


def _quarter_start(day):
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def fill(apps, schema_editor):
    alias = schema_editor.connection.alias
    milestone_model = apps.get_model("projects", "Milestone")
    payment_model = apps.get_model("projects", "Payment")
    money_model = apps.get_model("projects", "OpenMilestoneMoney")
    paid = Subquery(
        payment_model.objects.using(alias)
        .filter(invoice__milestone=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    unpaid = Case(
        When(
            status__in=UNPAID,
            then=F("amount") - Coalesce(paid, Value(Decimal(0)), output_field=AMOUNT),
        ),
        default=F("amount"),
        output_field=AMOUNT,
    )
    outstanding = Case(
        When(
            status__in=UNPAID,
            invoice__isnull=False,
            then=F("invoice__amount") - Coalesce(paid, Value(Decimal(0)), output_field=AMOUNT),
        ),
        default=Value(Decimal(0)),
        output_field=AMOUNT,
    )
    rows = (
        milestone_model.objects.using(alias)
        .filter(status__in=OPEN)
        .order_by()
        .values_list(
            "project__lead_institution_id",
            "project__joint_centre_id",
            "project__partnership_id",
            "currency",
            "project__current_stage_id",
            "project__status",
            "trigger_stage_id",
            "triggered_on",
            "status",
            "due_date",
            "invoice__due_on",
            "due_offset_days",
            "invoice__currency",
        )
        .annotate(unpaid=unpaid, outstanding=outstanding)
    )
    amounts, outstandings, counts = Counter(), Counter(), Counter()
    for row in rows.iterator(chunk_size=10000):
        (
            institution,
            centre,
            partnership,
            currency,
            stage,
            project_status,
            trigger,
            triggered_on,
            status,
            due_date,
            invoice_due_on,
            offset_days,
            invoice_currency,
            amount,
            owed,
        ) = row
        certain = trigger is None or triggered_on is not None or status != "planned"
        dated = invoice_due_on is not None or due_date is not None
        if dated and certain:
            stage = trigger = None
        key = (
            institution,
            centre,
            partnership,
            currency,
            stage,
            not certain and project_status == "terminated",
            trigger,
            certain,
            _quarter_start(invoice_due_on or due_date) if dated else None,
            None if dated else offset_days,
            invoice_due_on if status in UNPAID else None,
            (invoice_currency or "") if status in UNPAID else "",
        )
        amounts[key] += amount
        outstandings[key] += max(owed, 0)
        counts[key] += 1
    fields = [
        "lead_institution_id",
        "joint_centre_id",
        "partnership_id",
        "currency",
        "stage_id",
        "terminated",
        "trigger_stage_id",
        "certain",
        "due_quarter",
        "due_offset_days",
        "invoice_due_on",
        "invoice_currency",
    ]
    money_model.objects.using(alias).bulk_create(
        [
            money_model(
                **dict(zip(fields, key, strict=True)),
                amount=amounts[key],
                outstanding=outstandings[key],
                milestones=n,
            )
            for key, n in counts.items()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0023_open_milestone_money")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
