import datetime as dt

from django.db import migrations


def history_start(apps):
    """The day existing roster rows are taken to begin: 1 January of the year of the earliest visit or
    problem on record (or of this year). The roster had no dates before; facts start no earlier."""
    from django.conf import settings
    from django.utils import timezone
    from zoneinfo import ZoneInfo

    Visit, Problem = apps.get_model("inspections", "Visit"), apps.get_model("inspections", "Problem")
    dates = [d for d in (
        Visit.objects.order_by("date").values_list("date", flat=True).first(),
        Problem.objects.order_by("found_on").values_list("found_on", flat=True).first(),
    ) if d]
    today = timezone.localtime(timezone.now(), ZoneInfo(settings.TIME_ZONE)).date()
    return dt.date(min([today, *dates]).year, 1, 1)


def assignments_dated(apps, schema_editor):
    ZoneAssignment = apps.get_model("supervision", "ZoneAssignment")
    from django.utils import timezone

    ZoneAssignment.objects.update(valid_from=history_start(apps), recorded_at=timezone.now())


def admins_backfill(apps, schema_editor):
    """补录 comes with the office admin role: every admin (manage_office) gets it on their office."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Grant = apps.get_model("supervision", "OfficeUserObjectPermission")
    office_type, _created = ContentType.objects.get_or_create(app_label="supervision", model="office")
    backfill, _created = Permission.objects.get_or_create(
        content_type=office_type, codename="backfill_office", defaults={"name": "补录历史记录"}
    )
    Grant.objects.bulk_create(
        [
            Grant(user_id=user_id, content_object_id=office_id, permission=backfill)
            for user_id, office_id in Grant.objects.filter(permission__codename="manage_office").values_list(
                "user_id", "content_object_id"
            )
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0004_dated'),
        ('inspections', '0005_special_visit_checklist'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.RunPython(assignments_dated, migrations.RunPython.noop),
        migrations.RunPython(admins_backfill, migrations.RunPython.noop),
    ]
