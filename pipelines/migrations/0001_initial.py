"""Sectors, pipelines and stages move here from ``projects``.

Only Django's picture of the models moves: the tables keep their names
(``projects_sector``, ``projects_pipeline``, ``projects_stagedefinition``) and
their rows, so no data is copied. The content types follow, so permissions
and admin history stay attached.
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


MODELS = ("sector", "pipeline", "stagedefinition")


def _relabel(apps, old_label, new_label):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label=new_label, model=model).exists():
            content_type.objects.filter(app_label=old_label, model=model).update(
                app_label=new_label
            )


def move_content_types(apps, schema_editor):
    _relabel(apps, "projects", "pipelines")


def move_content_types_back(apps, schema_editor):
    _relabel(apps, "pipelines", "projects")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('projects', '0004_stage_transition_revert_index'),
    ]

    operations = [
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Sector',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(choices=[('biomedicine', 'Biomedicine'), ('agriculture', 'Agriculture'), ('bio_manufacturing', 'Bio-manufacturing'), ('bio_energy', 'Bio-energy'), ('environmental', 'Environmental protection'), ('bio_services', 'Bio-services')], max_length=30, unique=True, verbose_name='code')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('name_zh', models.CharField(blank=True, max_length=100, verbose_name='name in Chinese')),
                    ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ],
                options={
                    'verbose_name': 'sector',
                    'verbose_name_plural': 'sectors',
                    'db_table': 'projects_sector',
                    'ordering': ['position', 'code'],
                },
            ),
            migrations.CreateModel(
                name='Pipeline',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=30, unique=True, validators=[django.core.validators.RegexValidator('^[A-Z0-9][A-Z0-9-]*$', 'Use capital letters, digits and hyphens, for example THU or BIO-2026-001.', code='invalid_code')], verbose_name='code')),
                    ('name', models.CharField(max_length=150, verbose_name='name')),
                    ('name_zh', models.CharField(blank=True, max_length=150, verbose_name='name in Chinese')),
                    ('source', models.TextField(blank=True, help_text='Where the default probabilities, durations and costs come from.', verbose_name='source of the reference figures')),
                    ('sector', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pipelines', to='pipelines.sector', verbose_name='sector')),
                ],
                options={
                    'verbose_name': 'pipeline',
                    'verbose_name_plural': 'pipelines',
                    'db_table': 'projects_pipeline',
                    'ordering': ['sector__position', 'code'],
                },
            ),
            migrations.CreateModel(
                name='StageDefinition',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('position', models.PositiveSmallIntegerField(verbose_name='position')),
                    ('code', models.CharField(max_length=40, verbose_name='code')),
                    ('name', models.CharField(max_length=150, verbose_name='name')),
                    ('name_zh', models.CharField(blank=True, max_length=150, verbose_name='name in Chinese')),
                    ('trl_min', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(9)], verbose_name='lowest TRL')),
                    ('trl_max', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(9)], verbose_name='highest TRL')),
                    ('default_success_probability', models.DecimalField(decimal_places=4, help_text='Probability that a project entering this stage passes it (0–1).', max_digits=5, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)], verbose_name='default probability of success')),
                    ('typical_years', models.DecimalField(decimal_places=1, max_digits=4, validators=[django.core.validators.MinValueValidator(0)], verbose_name='typical duration (years)')),
                    ('typical_cost', models.DecimalField(decimal_places=2, max_digits=20, validators=[django.core.validators.MinValueValidator(0)], verbose_name='typical cost')),
                    ('typical_cost_currency', models.CharField(choices=[('CNY', 'Chinese yuan'), ('USD', 'US dollar'), ('EUR', 'Euro'), ('GBP', 'Pound sterling'), ('JPY', 'Japanese yen'), ('KRW', 'South Korean won'), ('HKD', 'Hong Kong dollar'), ('SGD', 'Singapore dollar'), ('CHF', 'Swiss franc')], default='CNY', max_length=3, verbose_name='currency')),
                    ('pipeline', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stages', to='pipelines.pipeline', verbose_name='pipeline')),
                ],
                options={
                    'verbose_name': 'stage',
                    'verbose_name_plural': 'stages',
                    'db_table': 'projects_stagedefinition',
                    'ordering': ['pipeline', 'position'],
                    'constraints': [models.UniqueConstraint(fields=('pipeline', 'position'), name='stage_position_unique_in_pipeline', violation_error_message='Another stage of this pipeline has this position.'), models.UniqueConstraint(fields=('pipeline', 'code'), name='stage_code_unique_in_pipeline', violation_error_message='Another stage of this pipeline has this code.'), models.CheckConstraint(condition=models.Q(('trl_max__lte', 9), ('trl_min__gte', 1), ('trl_min__lte', models.F('trl_max'))), name='stage_trl_range_valid', violation_error_message='The TRL range lies within 1–9 and its lowest is not above its highest.'), models.CheckConstraint(condition=models.Q(('default_success_probability__gte', 0), ('default_success_probability__lte', 1)), name='stage_probability_within_0_1', violation_error_message='A probability lies between 0 and 1.'), models.CheckConstraint(condition=models.Q(('typical_cost__gte', 0), ('typical_years__gte', 0)), name='stage_typical_figures_non_negative', violation_error_message='Durations and costs cannot be negative.')],
                },
            ),
        ]),
    ]
