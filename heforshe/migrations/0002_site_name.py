from urllib.parse import urlparse

from django.conf import settings
from django.db import migrations


def set_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = urlparse(settings.SITE_URL).netloc or "127.0.0.1:8000"
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": "HeForShe"})


class Migration(migrations.Migration):
    dependencies = [("heforshe", "0001_staff_groups"), ("sites", "0002_alter_domain_unique")]

    operations = [migrations.RunPython(set_site, migrations.RunPython.noop)]
