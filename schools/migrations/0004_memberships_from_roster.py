import datetime as dt

from django.db import migrations


def memberships_from_roster(apps, schema_editor):
    """One period per school from the roster as it stood, reconstructed where the facts say more.

    The roster had no dates: each school's first period starts on 1 January of the year of the
    earliest visit or problem on record (or of this year). A school whose visits were credited to
    another zone earlier (Visit.zone, the zone of the day) gets a period for each zone, the move
    dated by the first visit credited to the next zone; its last period is its zone today. A school
    no longer 在办 ends today.
    """
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.utils import timezone

    School = apps.get_model("schools", "School")
    Membership = apps.get_model("schools", "SchoolMembership")
    Visit = apps.get_model("inspections", "Visit")
    Problem = apps.get_model("inspections", "Problem")
    today = timezone.localtime(timezone.now(), ZoneInfo(settings.TIME_ZONE)).date()
    first = [d for d in (
        Visit.objects.order_by("date").values_list("date", flat=True).first(),
        Problem.objects.order_by("found_on").values_list("found_on", flat=True).first(),
    ) if d]
    start = dt.date(min([today, *first]).year, 1, 1)
    stamps: dict[int, list] = {}
    for school_id, day, zone_id in Visit.objects.values_list("school_id", "date", "zone_id").order_by("date", "pk"):
        stamps.setdefault(school_id, []).append((day, zone_id))
    rows = []
    for school in School.objects.all().only("pk", "office_id", "zone_id", "is_active"):
        seen = stamps.get(school.pk, [])
        periods = [[start, None, seen[0][1] if seen else school.zone_id]]
        for day, zone_id in seen:
            if zone_id != periods[-1][2] and day > periods[-1][0]:
                periods[-1][1] = day
                periods.append([day, None, zone_id])
            elif zone_id != periods[-1][2]:
                periods[-1][2] = zone_id
        if periods[-1][2] != school.zone_id:
            if today > periods[-1][0]:
                periods[-1][1] = today
                periods.append([today, None, school.zone_id])
            else:
                periods[-1][2] = school.zone_id
        if not school.is_active:
            if today <= periods[-1][0]:
                periods[-1][0] = today - dt.timedelta(days=1)
            periods[-1][1] = today
        rows += [
            Membership(school_id=school.pk, office_id=school.office_id, zone_id=zone_id, valid_from=begin,
                       valid_to=end, note="")
            for begin, end, zone_id in periods
        ]
    Membership.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('schools', '0003_dated'),
    ]

    operations = [
        migrations.RunPython(memberships_from_roster, migrations.RunPython.noop),
    ]
