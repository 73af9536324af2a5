"""factory_boy factories for every model the tests build."""
import factory
from django.contrib.auth import get_user_model

from schools.choices import Location, Ownership, SchoolKind
from schools.models import School
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


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    office = factory.SubFactory(OfficeFactory)
    zone = None
    code = factory.Sequence(lambda n: f"{2122000000 + n:010d}")
    name = factory.Sequence(lambda n: f"第{n}小学")
    kind = SchoolKind.PRIMARY
    ownership = Ownership.PUBLIC
    location = Location.URBAN


def office_user(role: str, office: Office, **kwargs):
    user = UserFactory(**kwargs)
    role_grant(user=user, role=role, office=office)
    return user


def school_user(school: School, **kwargs):
    user = UserFactory(**kwargs)
    role_grant(user=user, role=Role.SCHOOL_USER, school=school)
    return user


def visit_filled(*, user, school: School, date=None, problems: int = 0, rechecks=(), submit: bool = True, co_supervisors=()):
    """A visit built through the services as a supervisor fills it: ``problems`` items get a problem
    each, earlier problems in ``rechecks`` are re-checked as rectified, the rest answered 无问题,
    then submitted (unless ``submit`` is False, leaving a draft)."""
    from django.utils import timezone

    from inspections import services as inspection_services
    from inspections.choices import Conclusion, RecheckResult

    visit = inspection_services.visit_start(
        user=user, school=school, date=date or timezone.localdate(), methods=["campus_walk"], co_supervisors=co_supervisors
    )
    answers = list(visit.checklist.answers.all())
    for n, answer in enumerate(answers[:problems], start=1):
        inspection_services.problem_add(answer=answer, user=user, description=f"问题{n}", opinion="限期整改")
    for problem in rechecks:
        inspection_services.recheck_record(problem=problem, user=user, result=RecheckResult.RECTIFIED, visit=visit)
    if submit:
        for answer in answers[problems:]:
            inspection_services.answer_save(answer=answer, user=user, conclusion=Conclusion.OK)
        inspection_services.checklist_submit(checklist=visit.checklist, user=user)
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
