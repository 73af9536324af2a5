"""Launching a campaign, drawing its schools, its checklist, and the special visits' findings."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inspections.coverage import selectors as coverage_selectors
from inspections.visits import selectors as visit_selectors
from inspections.campaigns import services
from inspections.campaigns.choices import SchoolSelection
from inspections.campaigns.models import Campaign, CampaignSchool
from inspections.models.choices import ItemSource, ProblemSource, TicketStatus, VisitKind
from inspections.models import Ticket
from schools.choices import SchoolKind
from schools.services import school_close
from supervision import clock
from tests import factories as f

from .factories import campaign_made, special_visit_filled

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_schools(world):
    """Twenty more primary schools of county A (population for the draws)."""
    return [f.SchoolFactory(office=world["county_a"], kind=SchoolKind.PRIMARY) for _ in range(20)]


def drawn(campaign):
    return list(CampaignSchool.objects.filter(campaign=campaign).order_by("position").values_list("school", flat=True))


def test_random_sample_is_reproduced_by_its_seed(world, many_schools):
    first = campaign_made(world, selection=SchoolSelection.RANDOM, kinds=[SchoolKind.PRIMARY], sample_size=5, seed=839201)
    again = campaign_made(world, selection=SchoolSelection.RANDOM, kinds=[SchoolKind.PRIMARY], sample_size=5, seed=839201)
    other = campaign_made(world, selection=SchoolSelection.RANDOM, kinds=[SchoolKind.PRIMARY], sample_size=5, seed=12)
    assert len(drawn(first)) == 5
    assert drawn(first) == drawn(again)
    assert drawn(first) != drawn(other)
    # 20 + a1 + a3 primary schools in county A; the kindergarten, the junior school and county B are not drawn.
    assert first.population_size == 22 and first.seed == 839201 and first.sample_size == 5
    assert not set(drawn(first)) & {world["schools"]["a2"].pk, world["schools"]["a4"].pk, world["schools"]["b1"].pk}


def test_random_sample_without_a_seed_records_the_one_it_used(world, many_schools):
    campaign = campaign_made(world, selection=SchoolSelection.RANDOM, kinds=[SchoolKind.PRIMARY], sample_size=3)
    assert campaign.seed is not None
    again = campaign_made(world, selection=SchoolSelection.RANDOM, kinds=[SchoolKind.PRIMARY], sample_size=3, seed=campaign.seed)
    assert drawn(again) == drawn(campaign)


def test_sample_larger_than_the_population_is_refused_and_nothing_is_created(world):
    with pytest.raises(ValidationError) as exc:
        campaign_made(world, selection=SchoolSelection.RANDOM, kinds=[SchoolKind.PRIMARY], sample_size=5, seed=1)
    assert "抽取数量(5)超过了可抽取的学校数(2)" in str(exc.value.message_dict["sample_size"])
    assert not Campaign.objects.exists()


def test_all_of_a_kind_takes_every_active_school_of_those_kinds(world):
    school_close(school=world["schools"]["a3"], on=clock.today())
    campaign = campaign_made(world, selection=SchoolSelection.ALL_OF_KINDS, kinds=[SchoolKind.PRIMARY, SchoolKind.JUNIOR])
    assert set(drawn(campaign)) == {world["schools"]["a1"].pk, world["schools"]["a2"].pk}


def test_schools_of_another_office_cannot_be_chosen(world):
    with pytest.raises(ValidationError) as exc:
        campaign_made(world, schools=("a1", "b1"))
    assert "辉南县第一小学" in str(exc.value)


def test_team_is_the_offices_supervisors_and_the_leader_joins_it(world):
    campaign = campaign_made(world, team=("sup_a2",), leader="sup_a1")
    assert set(campaign.team.all()) == {world["sup_a1"], world["sup_a2"]}
    with pytest.raises(ValidationError):
        campaign_made(world, team=("sup_b1",))


def test_checklist_starts_from_the_topics_defaults_and_locks_at_the_first_visit(world):
    campaign = campaign_made(world)
    assert [i.code for i in campaign.items.all()] == ["S1", "S2", "S3", "S4", "S5"]
    services.campaign_item_save(campaign=campaign, code="s6", title="课后服务收费")
    campaign.refresh_from_db()
    assert campaign.items_version == 2
    visit = special_visit_filled(campaign, user=world["sup_a1"].user, school=world["schools"]["a1"], submit=False)
    assert [a.code for a in visit.checklist.answers.all()] == ["S1", "S2", "S3", "S4", "S5", "S6"]
    assert {a.source for a in visit.checklist.answers.all()} == {ItemSource.CAMPAIGN}
    assert visit.checklist.template is None and visit.kind == VisitKind.SPECIAL
    with pytest.raises(ValidationError, match="不能再修改"):
        services.campaign_item_save(campaign=campaign, code="S7", title="又一项")


def test_team_member_visits_a_campaign_school_outside_their_zone(world):
    # sup_a1's zone is A1; a3 is in zone A2.
    campaign = campaign_made(world, schools=("a3",))
    visit = special_visit_filled(campaign, user=world["sup_a1"].user, school=world["schools"]["a3"], problems=1)
    assert visit.zone == world["zone_a2"]


def test_supervisor_not_on_the_team_cannot_start_a_special_visit(world):
    campaign = campaign_made(world, schools=("a3",))
    with pytest.raises(ValidationError, match="督导组成员"):
        special_visit_filled(campaign, user=world["sup_a2"].user, school=world["schools"]["a3"])


def test_school_outside_the_campaign_cannot_be_visited(world):
    campaign = campaign_made(world, schools=("a3",))
    with pytest.raises(ValidationError, match="不在本次专项督导的学校名单中"):
        special_visit_filled(campaign, user=world["sup_a1"].user, school=world["schools"]["a1"])


def test_special_visit_outside_the_period_is_refused(world):
    today = timezone.localdate()
    campaign = campaign_made(world, start=today - dt.timedelta(days=20), end=today - dt.timedelta(days=10))
    with pytest.raises(ValidationError, match="专项督导期间"):
        special_visit_filled(campaign, user=world["sup_a1"].user, school=world["schools"]["a1"])


def test_a_finding_becomes_a_ticket_the_school_sees(world):
    from supervision import access

    campaign = campaign_made(world)
    special_visit_filled(campaign, user=world["sup_a1"].user, school=world["schools"]["a1"], problems=2)
    tickets = Ticket.objects.filter(school=world["schools"]["a1"]).select_related("problem")
    assert len(tickets) == 2
    assert {t.problem.source for t in tickets} == {ProblemSource.CAMPAIGN}
    assert {t.status for t in tickets} == {TicketStatus.OPEN}
    assert set(access.tickets_visible_to(world["school_user_a1"])) == set(tickets)


def test_special_visits_do_not_count_for_coverage_or_person_visits(world):
    today = timezone.localdate()
    campaign = campaign_made(world)
    special_visit_filled(campaign, user=world["sup_a1"].user, school=world["schools"]["a1"])
    coverage = coverage_selectors.coverage_for_month(
        scope=coverage_selectors.RosterScope(offices=[world["county_a"].pk]), year=today.year, month=today.month,
        today=today,
    )
    a1 = next(s for z in coverage.zones for s in z.schools if s.pk == world["schools"]["a1"].pk)
    assert getattr(a1, "visit_count", 0) == 0
    figures = coverage_selectors.monthly_summary_figures(supervisor=world["sup_a1"], year=today.year, month=today.month)
    assert not visit_selectors.counted_visits().exists()
    f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"])
    assert visit_selectors.counted_visits().count() == 1
    assert figures  # computed without the special visit
