"""Foreign keys to sectors and stages now name the ``pipelines`` app; the
columns and tables do not change."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0004_agreement_terms'),
        ('pipelines', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='costshare',
                name='first_stage',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='pipelines.stagedefinition', verbose_name='first stage'),
            ),
            migrations.AlterField(
                model_name='costshare',
                name='last_stage',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='pipelines.stagedefinition', verbose_name='last stage'),
            ),
            migrations.AlterField(
                model_name='failureclause',
                name='stage',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='pipelines.stagedefinition', verbose_name='stage'),
            ),
            migrations.AlterField(
                model_name='milestonescheduleitem',
                name='trigger_stage',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='pipelines.stagedefinition', verbose_name='triggered by entering stage'),
            ),
            migrations.AlterField(
                model_name='enterprise',
                name='sectors',
                field=models.ManyToManyField(blank=True, related_name='enterprises', to='pipelines.sector', verbose_name='sectors'),
            ),
            migrations.AlterField(
                model_name='jointcentre',
                name='focus_sectors',
                field=models.ManyToManyField(blank=True, related_name='joint_centres', to='pipelines.sector', verbose_name='focus sectors'),
            ),
        ]),
    ]
