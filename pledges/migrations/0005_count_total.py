from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pledges', '0004_custom_action_key'),
    ]

    operations = [
        migrations.CreateModel(
            name='CountTotal',
            fields=[
                ('name', models.CharField(max_length=32, primary_key=True, serialize=False)),
                ('n', models.BigIntegerField(default=0)),
            ],
        ),
        # Start from the exact total (catalogue actions per pledger, own words once per wording);
        # from here on the recount task keeps it.
        migrations.RunSQL(
            "INSERT INTO pledges_counttotal (name, n) SELECT 'actions', "
            "COALESCE(SUM(CASE WHEN ra.action_id IS NOT NULL THEN 1 ELSE 0 END), 0) "
            "+ COUNT(DISTINCT CASE WHEN ra.action_id IS NULL AND ra.custom_key <> '' THEN ra.custom_key END) "
            "FROM pledges_recordedaction ra JOIN pledges_pledge p ON p.id = ra.pledge_id WHERE p.status = 'confirmed'",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
