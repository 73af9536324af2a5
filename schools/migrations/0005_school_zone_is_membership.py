from django.db import migrations


class Migration(migrations.Migration):
    """The school's zone and 在办 now live in its dated memberships only."""

    dependencies = [
        ('schools', '0004_memberships_from_roster'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='school',
            name='schools_sch_zone_id_8cd63c_idx',
        ),
        migrations.RemoveField(
            model_name='school',
            name='is_active',
        ),
        migrations.RemoveField(
            model_name='school',
            name='zone',
        ),
    ]
