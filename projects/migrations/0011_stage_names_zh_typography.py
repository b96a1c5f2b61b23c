"""Chinese stage names written as Chinese pharma and the review of the
catalogue write them: I期 without a space, full-width brackets. Only names
still as seeded change; a name staff edited stays."""

from django.db import migrations

RENAMED = {
    "I 期临床试验": "I期临床试验",
    "II 期临床试验": "II期临床试验",
    "III 期临床试验": "III期临床试验",
    "上市申请 (NDA/BLA)": "上市申请（NDA/BLA）",
    "生产放大 (GMP)": "生产放大（GMP）",
    "菌种/酶开发 (实验室)": "菌种/酶开发（实验室）",
}


def rename(apps, schema_editor):
    StageDefinition = apps.get_model("pipelines", "StageDefinition")
    for old, new in RENAMED.items():
        StageDefinition.objects.filter(name_zh=old).update(name_zh=new)


def restore(apps, schema_editor):
    StageDefinition = apps.get_model("pipelines", "StageDefinition")
    for old, new in RENAMED.items():
        StageDefinition.objects.filter(name_zh=new).update(name_zh=old)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0010_activity_message"),
        ("pipelines", "0002_reference_source_limit"),
    ]

    operations = [migrations.RunPython(rename, restore)]
