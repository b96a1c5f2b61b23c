"""Foreign keys to sectors and stages now name the ``pipelines`` app; the
columns and tables do not change."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pipelines', '0001_initial'),
        ('valuations', '0002_seed_reference_success_rates'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='comparabledeal',
                name='sector',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='comparable_deals', to='pipelines.sector', verbose_name='sector'),
            ),
            migrations.AlterField(
                model_name='comparabledeal',
                name='stage',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='comparable_deals', to='pipelines.stagedefinition', verbose_name='stage at signing'),
            ),
        ]),
    ]
