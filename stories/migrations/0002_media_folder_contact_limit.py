"""A random storage folder per media file, so that no file's path follows from its id; a length limit on contacts.

Existing rows each get their own folder here; `manage.py stories_secure_media`
then moves their renditions and posters into it (storage work does not belong in
a migration) and strips location metadata from their originals.
"""

import secrets

from django.db import migrations, models

import stories.models


def give_each_file_a_folder(apps, schema_editor):
    MediaFile = apps.get_model("stories", "MediaFile")
    for media in MediaFile.objects.filter(folder="").only("pk").iterator():
        MediaFile.objects.filter(pk=media.pk).update(folder=secrets.token_urlsafe(12))


class Migration(migrations.Migration):
    dependencies = [("stories", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="mediafile",
            name="folder",
            field=models.CharField(default="", editable=False, max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(give_each_file_a_folder, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="mediafile",
            name="folder",
            field=models.CharField(default=stories.models.new_media_folder, editable=False, max_length=32),
        ),
        migrations.AlterField(
            model_name="story",
            name="contact_details",
            field=models.TextField(
                blank=True,
                help_text="How the local UN Women National Committee can reach them. Never published.",
                max_length=2000,
                verbose_name="follow-up contact",
            ),
        ),
    ]
