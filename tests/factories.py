"""factory_boy factories for every model the tests build."""
import contextlib
import datetime as dt

import factory
import time_machine
from django.contrib.auth import get_user_model

from schools.choices import Location, Ownership, SchoolKind
from schools.models import School, SchoolMembership
from supervision.choices import OfficeLevel, Role, SupervisorKind, ZoneCategory
from supervision.models import Office, Supervisor, Zone
from supervision.services import role_grant

User = get_user_model()
PASSWORD = "Duxue-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    name = factory.Sequence(lambda n: f"第{n}区人民政府教育督导室")
    level = OfficeLevel.COUNTY
    division_code = factory.Sequence(lambda n: f"{220500 + n:06d}")


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"第{n}责任区")
    category = ZoneCategory.URBAN_SCHOOLS


class SupervisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supervisor
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"督学{n}")
    kind = SupervisorKind.FULL_TIME
    phone = factory.Sequence(lambda n: f"139{n:08d}")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            role_grant(user=obj.user, role=Role.SUPERVISOR)


def roster_start():
    """The day test schools and assignments begin by default: 1 January three years back, so the
    tests' visits of last year and this one fall inside their membership."""
    from supervision import clock

    return dt.date(clock.today().year - 3, 1, 1)


class SchoolFactory(factory.django.DjangoModelFactory):
    """A school in its office's roster since ``since`` (``roster_start()`` by default), in ``zone``;
    ``is_active=False`` closes it yesterday."""

    class Meta:
        model = School
        skip_postgeneration_save = True

    office = factory.SubFactory(OfficeFactory)
    code = factory.Sequence(lambda n: f"{2122000000 + n:010d}")
    name = factory.Sequence(lambda n: f"第{n}小学")
    kind = SchoolKind.PRIMARY
    ownership = Ownership.PUBLIC
    location = Location.URBAN

    @classmethod
    def _create(cls, model_class, *args, zone=None, since=None, is_active=True, **kwargs):
        from supervision import clock

        school = super()._create(model_class, *args, **kwargs)
        until = None if is_active else clock.today()
        SchoolMembership.objects.create(
            school=school, office=school.office, zone=zone, valid_from=since or roster_start(), valid_to=until
        )
        return school


def schools_bulk(schools: list[School], *, zone=None, since=None) -> list[School]:
    """Many schools at once (bulk_create), each in its office's roster since ``since`` and in ``zone``."""
    created = School.objects.bulk_create(schools)
    SchoolMembership.objects.bulk_create(
        SchoolMembership(school=s, office_id=s.office_id, zone=zone, valid_from=since or roster_start()) for s in created
    )
    return created


def zone_today(school: School):
    """The school's zone today, read afresh (its open membership)."""
    return School.objects.get(pk=school.pk).current_zone


def school_moved(school: School, zone, on=None):
    """Move a school to ``zone`` from ``on`` (today by default) through the roster service."""
    from schools.services import school_move
    from supervision import clock

    return school_move(school=school, zone=zone, on=on or clock.today())


def office_user(role: str, office: Office, **kwargs):
    user = UserFactory(**kwargs)
    role_grant(user=user, role=role, office=office)
    return user


def school_user(school: School, **kwargs):
    user = UserFactory(**kwargs)
    role_grant(user=user, role=Role.SCHOOL_USER, school=school)
    return user


@contextlib.contextmanager
def on_day(day: dt.date, hour: int = 10):
    """Act on ``day`` as it happened: the clock is that day (Shanghai time) inside the block, and goes
    back to the test's own time after it — a visit made in March is entered in March."""
    from supervision import clock

    if day >= clock.today():
        yield
        return
    with time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=clock.zone()), tick=True):
        yield


def visit_filled(*, user, school: School, date=None, problems: int = 0, rechecks=(), submit: bool = True, co_supervisors=()):
    """A visit built through the services as a supervisor fills it: ``problems`` items get a problem
    each, earlier problems in ``rechecks`` are re-checked as rectified, the rest answered 无问题,
    then submitted (unless ``submit`` is False, leaving a draft). A visit of an earlier day is made
    and entered on that day (``on_day``)."""
    from supervision import clock

    day = date or clock.today()
    with on_day(day):
        return _visit_filled(user=user, school=school, date=day, problems=problems, rechecks=rechecks, submit=submit,
                             co_supervisors=co_supervisors)


def _visit_filled(*, user, school, date, problems, rechecks, submit, co_supervisors):
    from inspections.visits import services as visit_services
    from inspections.tickets import services as ticket_services
    from inspections.models.choices import Conclusion, RecheckResult

    visit = visit_services.visit_start(
        user=user, school=school, date=date, methods=["campus_walk"], co_supervisors=co_supervisors
    )
    answers = list(visit.checklist.answers.all())
    for n, answer in enumerate(answers[:problems], start=1):
        visit_services.problem_add(answer=answer, user=user, description=f"问题{n}", opinion="限期整改")
    for problem in rechecks:
        ticket_services.recheck_record(problem=problem, user=user, result=RecheckResult.RECTIFIED, visit=visit)
    if submit:
        for answer in answers[problems:]:
            visit_services.answer_save(answer=answer, user=user, conclusion=Conclusion.OK)
        visit_services.checklist_submit(checklist=visit.checklist, user=user)
    return visit


def tickets_opened(*, user, school: School, count: int = 1, deadline=None):
    """Rectification tickets as a supervisor's submitted checklist opens them (one a problem), then
    given ``deadline`` (to make them due soon or overdue)."""
    from inspections.models import Ticket

    visit = visit_filled(user=user, school=school, problems=count)
    tickets = list(Ticket.objects.filter(problem__visit=visit).select_related("problem", "school", "office").order_by("pk"))
    if deadline is not None:
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(deadline=deadline)
        for ticket in tickets:
            ticket.deadline = deadline
    return tickets
