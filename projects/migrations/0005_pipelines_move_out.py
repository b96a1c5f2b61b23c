"""Sectors, pipelines and stages now live in the ``pipelines`` app (see its
first migration): Django forgets them here, the tables stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0005_stages_from_pipelines'),
        ('pipelines', '0001_initial'),
        ('projects', '0004_stage_transition_revert_index'),
        ('valuations', '0003_stages_from_pipelines'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='milestone',
                name='trigger_stage',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='pipelines.stagedefinition', verbose_name='triggered by entering stage'),
            ),
            migrations.AlterField(
                model_name='stagetransition',
                name='from_stage',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='pipelines.stagedefinition', verbose_name='from stage'),
            ),
            migrations.AlterField(
                model_name='researchproject',
                name='current_stage',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='pipelines.stagedefinition', verbose_name='current stage'),
            ),
            migrations.AlterField(
                model_name='costentry',
                name='stage',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='pipelines.stagedefinition', verbose_name='stage'),
            ),
            migrations.AlterField(
                model_name='stagetransition',
                name='to_stage',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='pipelines.stagedefinition', verbose_name='to stage'),
            ),
            migrations.DeleteModel(name='StageDefinition'),
            migrations.DeleteModel(name='Pipeline'),
            migrations.DeleteModel(name='Sector'),
        ]),
    ]
