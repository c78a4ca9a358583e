from django.db import migrations

PILLARS = ["economic_empowerment", "ending_violence", "governance_leadership", "peace_security"]


def create_pillars(apps, schema_editor):
    Pillar = apps.get_model("actionkits", "Pillar")
    for position, code in enumerate(PILLARS):
        Pillar.objects.get_or_create(code=code, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("actionkits", "0001_initial")]

    operations = [migrations.RunPython(create_pillars, migrations.RunPython.noop)]
