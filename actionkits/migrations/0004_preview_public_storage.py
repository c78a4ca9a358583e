"""Kit previews move to the public storage (stable, unsigned, cacheable URLs).

Previews made before live in the private storage: they are queued again, and the
preview sweeper (actionkits-requeue-previews) renders each into the public one.
"""

from django.db import migrations, models

import actionkits.models
import heforshe.lib.storage


def render_again(apps, schema_editor):
    KitTranslation = apps.get_model("actionkits", "KitTranslation")
    KitTranslation.objects.exclude(preview="").update(preview="", preview_status="pending")


class Migration(migrations.Migration):
    dependencies = [("actionkits", "0003_pillar_codes_from_lib")]

    operations = [
        migrations.AlterField(
            model_name="kittranslation",
            name="preview",
            field=models.ImageField(
                blank=True,
                max_length=300,
                storage=heforshe.lib.storage.public_storage,
                upload_to=actionkits.models.kit_preview_path,
                verbose_name="preview image",
            ),
        ),
        migrations.RunPython(render_again, migrations.RunPython.noop),
    ]
