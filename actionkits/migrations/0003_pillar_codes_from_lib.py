"""Kit pillars take the codes of heforshe.lib.pillars, like pledges, stories and partners."""

from django.db import migrations, models

# old kit code -> the one pillar code
RENAMES = {
    "economic_empowerment": "economic",
    "ending_violence": "violence",
    "governance_leadership": "leadership",
    "peace_security": "peace",
}


def _rename(apps, mapping: dict[str, str]) -> None:
    Pillar = apps.get_model("actionkits", "Pillar")
    for old, new in mapping.items():
        # The code is unique: a row already under the new code (a repaired table) takes the kits
        # of the old one, which then goes, so that no kit loses a pillar.
        target = Pillar.objects.filter(code=new).first()
        source = Pillar.objects.filter(code=old).first()
        if source is None:
            continue
        if target is None:
            Pillar.objects.filter(pk=source.pk).update(code=new)
            continue
        for kit in source.kits.all():
            kit.pillars.add(target)
        source.delete()


def forwards(apps, schema_editor):
    _rename(apps, RENAMES)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMES.items()})


class Migration(migrations.Migration):
    dependencies = [("actionkits", "0002_pillars")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="pillar",
            name="code",
            field=models.CharField(
                choices=[
                    ("economic", "Women's economic empowerment"),
                    ("violence", "Ending violence against women"),
                    ("leadership", "Governance and leadership"),
                    ("peace", "Peace and security"),
                ],
                max_length=40,
                unique=True,
                verbose_name="code",
            ),
        ),
    ]
