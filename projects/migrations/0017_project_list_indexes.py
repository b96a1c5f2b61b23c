from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0016_project_portfolio_counts_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="researchproject",
            index=models.Index(fields=["title", "id"], name="project_title_sort_idx"),
        ),
        migrations.AddIndex(
            model_name="researchproject",
            index=models.Index(
                fields=["code", "id", "lead_institution", "joint_centre", "partnership"],
                name="project_code_scoped_idx",
            ),
        ),
    ]
