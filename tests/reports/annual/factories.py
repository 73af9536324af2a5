"""A year of county A built through the services, shaped to exercise the year-end counting rules:
a joint visit, a school moved between zones mid-year, a ticket closed after the cut-off."""
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from django.utils import timezone

from inspections.coverage import services as inspection_services
from inspections.tickets import services as ticket_services
from inspections.models.choices import EscalationLevel, EscalationStatus, RecheckResult
from inspections.models import Escalation, Ticket
from tests import factories as f


def _jpeg() -> SimpleUploadedFile:
    content = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 130, 180)).save(content, format="JPEG")
    return SimpleUploadedFile("after.jpg", content.getvalue(), content_type="image/jpeg")


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def year_built(world) -> dict:
    """Last year (visit dates must not lie in the future): returns the year, its cut-off and the tickets.

    - 3月10日 joint visit of 王督学 (sup_a1) and 李督学 (sup_a2) at a1: 2 problems (T1, T2) — 2 人次, 1 校次;
    - 3月12日 李督学 at a3 in zone A2: 1 problem (T3), never rectified, confirmed 督办 on 5月1日;
    - a3 then moves to zone A1; 6月10日 王督学 visits it there: nothing found;
    - 9月10日 王督学's visit at a2 stays a draft (does not count);
    - county B's visit to b1 (1 problem) never counts for county A;
    - T1 closed 4月1日 (on time), T2 closed 11月5日 (after the 10月31日 cut-off and after its deadline)
      with a rectification report submitted 10月20日;
    - 王督学 submitted monthly summaries for March and June; a draft for September does not count.
    """
    year = timezone.localdate().year - 1
    a1, a2, a3 = (world["schools"][k] for k in ("a1", "a2", "a3"))
    sup_a1, sup_a2 = world["sup_a1"].user, world["sup_a2"].user
    joint = f.visit_filled(user=sup_a1, school=a1, date=dt.date(year, 3, 10), problems=2, co_supervisors=[world["sup_a2"]])
    in_a2 = f.visit_filled(user=sup_a2, school=a3, date=dt.date(year, 3, 12), problems=1)
    f.school_moved(a3, world["zone_a1"], on=dt.date(year, 4, 1))
    f.visit_filled(user=sup_a1, school=a3, date=dt.date(year, 6, 10))
    f.visit_filled(user=sup_a1, school=a2, date=dt.date(year, 9, 10), problems=1, submit=False)
    f.visit_filled(user=world["sup_b1"].user, school=world["schools"]["b1"], date=dt.date(year, 4, 1), problems=1)

    t1, t2 = Ticket.objects.filter(problem__visit=joint).order_by("pk")
    t3 = Ticket.objects.get(problem__visit=in_a2)
    school_user = world["school_user_a1"]
    with f.on_day(dt.date(year, 10, 20)):
        ticket_services.evidence_add(ticket=t2, actor=school_user, upload=_jpeg())
        ticket_services.ticket_report_submit(ticket=Ticket.objects.get(pk=t2.pk), actor=school_user, text="已整改")
    for ticket, closed_on in ((t1, dt.date(year, 4, 1)), (t2, dt.date(year, 11, 5))):
        with f.on_day(closed_on):
            ticket_services.ticket_recheck(
                ticket=Ticket.objects.get(pk=ticket.pk), actor=sup_a1, result=RecheckResult.RECTIFIED
            )
    Escalation.objects.create(
        ticket=t3, level=EscalationLevel.URGE, status=EscalationStatus.CONFIRMED, days_overdue=19,
        decided_by=world["director_a"], decided_at=aware(dt.date(year, 5, 1)),
    )
    for month, submit in ((3, True), (6, True), (9, False)):
        with f.on_day(dt.date(year, 6, 28) if submit else dt.date(year, 9, 30)):
            inspection_services.monthly_summary_save(
                supervisor=world["sup_a1"], year=year, month=month, text="本月工作", submit=submit
            )
    return {
        "year": year, "cutoff": dt.date(year, 10, 31), "tickets": [Ticket.objects.get(pk=t.pk) for t in (t1, t2, t3)],
    }
