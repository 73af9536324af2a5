"""The escalation ladder (督办 → 通报 → 约谈 → 问责): thresholds per office, one rung at a time,
the director confirms each step, every step in the ticket's history, and the 督办通知书 PDF."""
import datetime as dt
import logging

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from inspections.escalations import services as escalations
from inspections.models.choices import EscalationLevel, EscalationStatus, TicketAction, TicketStatus
from inspections.models import Escalation, EscalationPolicy, Ticket
from supervision.choices import Role
from tests import factories as f
from tests.reports.pdf_tools import pdf_fonts, pdf_page_texts, pdf_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
URGE, NOTICE, SUMMONS, ACCOUNTABILITY = EscalationLevel.values


SUPERVISOR_OF = {"a1": "sup_a1", "a2": "sup_a1", "a3": "sup_a2", "b1": "sup_b1"}


def overdue_ticket(world, days: int, school="a1"):
    """A ticket of that school (from a checklist of its zone's supervisor), ``days`` overdue today."""
    (ticket,) = f.tickets_opened(user=world[SUPERVISOR_OF[school]].user, school=world["schools"][school],
                                 deadline=TODAY() - dt.timedelta(days=days))
    return ticket


def check(day=None):
    return escalations.rectification_daily_check(today=day or TODAY())


def levels(ticket, status=None):
    rows = Escalation.objects.filter(ticket=ticket)
    if status:
        rows = rows.filter(status=status)
    return list(rows.order_by("level").values_list("level", flat=True))


def confirm(world, ticket, level, **kwargs):
    escalation = Escalation.objects.get(ticket=ticket, level=level)
    return escalations.escalation_confirm(escalation=escalation, actor=world["director_a"], **kwargs)


# --- Thresholds and order ---------------------------------------------------------------------------


def test_督办_is_proposed_on_the_day_the_ticket_is_seven_days_overdue_not_the_day_before(world):
    ticket = overdue_ticket(world, days=1)
    deadline = ticket.deadline
    assert check(deadline + dt.timedelta(days=6))["escalations_proposed"] == 0
    assert levels(ticket) == []

    assert check(deadline + dt.timedelta(days=7))["escalations_proposed"] == 1
    escalation = Escalation.objects.get(ticket=ticket)
    assert (escalation.level, escalation.status, escalation.days_overdue) == (URGE, EscalationStatus.PROPOSED, 7)


def test_each_office_escalates_by_its_own_thresholds(world):
    escalations.escalation_policy_save(office=world["county_a"], actor=world["admin_a"], urge_after_days=3,
                                       notice_after_days=10, summons_after_days=20, accountability_after_days=30)
    in_a, in_b = overdue_ticket(world, 5, "a1"), overdue_ticket(world, 5, "b1")
    check()
    assert levels(in_a) == [URGE]
    assert levels(in_b) == []  # county B keeps the defaults (7 days)
    assert EscalationPolicy.objects.get(office=world["county_b"]).urge_after_days == 7


def test_the_ladder_is_climbed_one_confirmed_rung_at_a_time_in_order(world):
    ticket = overdue_ticket(world, days=120)  # past every default threshold
    check()
    assert levels(ticket) == [URGE]
    check()  # waiting for the director: nothing more
    assert levels(ticket) == [URGE]
    for level, following in [(URGE, NOTICE), (NOTICE, SUMMONS), (SUMMONS, ACCOUNTABILITY)]:
        confirm(world, ticket, level)
        check()
        assert levels(ticket, EscalationStatus.PROPOSED) == [following]
    confirm(world, ticket, ACCOUNTABILITY)
    assert check()["escalations_proposed"] == 0
    assert levels(ticket, EscalationStatus.CONFIRMED) == [URGE, NOTICE, SUMMONS, ACCOUNTABILITY]


def test_the_next_rung_waits_for_its_own_threshold_after_the_previous_is_confirmed(world):
    ticket = overdue_ticket(world, days=8)
    check()
    confirm(world, ticket, URGE)
    check()
    assert levels(ticket) == [URGE]  # 8 days: 通报 comes at 30
    check(ticket.deadline + dt.timedelta(days=29))
    assert levels(ticket) == [URGE]
    check(ticket.deadline + dt.timedelta(days=30))
    assert levels(ticket, EscalationStatus.PROPOSED) == [NOTICE]


def test_a_dismissed_rung_is_not_proposed_again_the_same_day_but_seven_days_later(world):
    ticket = overdue_ticket(world, days=10)
    check()
    escalation = Escalation.objects.get(ticket=ticket)
    escalations.escalation_dismiss(escalation=escalation, actor=world["director_a"], note="学校已在施工,暂缓")
    check()
    check(TODAY() + dt.timedelta(days=6))
    assert levels(ticket, EscalationStatus.PROPOSED) == []

    check(TODAY() + dt.timedelta(days=7))
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.PROPOSED and escalation.days_overdue == 17
    assert escalation.decided_by is None and escalation.note == ""


def test_dismissing_needs_a_reason(world):
    ticket = overdue_ticket(world, days=10)
    check()
    with pytest.raises(ValidationError, match="请说明暂不升级的理由"):
        escalations.escalation_dismiss(escalation=Escalation.objects.get(ticket=ticket), actor=world["director_a"], note=" ")


def test_tickets_waiting_on_the_supervisor_or_closed_are_not_escalated(world):
    submitted, closed = overdue_ticket(world, 40), overdue_ticket(world, 40, "a2")
    Ticket.objects.filter(pk=submitted.pk).update(status=TicketStatus.SUBMITTED)
    Ticket.objects.filter(pk=closed.pk).update(status=TicketStatus.CLOSED)
    assert check() == {"deadline_soon": 0, "overdue": 0, "escalations_proposed": 0, "notifications": 0,
                       "emails_queued": 0}
    assert Escalation.objects.count() == 0


# --- The director confirms ----------------------------------------------------------------------------


def test_only_the_director_of_the_tickets_office_confirms_or_dismisses(world):
    ticket = overdue_ticket(world, days=10)
    check()
    escalation = Escalation.objects.get(ticket=ticket)
    director_b = f.office_user(Role.DIRECTOR, world["county_b"])
    city_director = f.office_user(Role.DIRECTOR, world["city"])
    for user in [world["admin_a"], director_b, city_director, world["city_viewer"], world["sup_a1"].user,
                 world["school_user_a1"]]:
        with pytest.raises(ValidationError, match="只有本督导室主任"):
            escalations.escalation_confirm(escalation=escalation, actor=user)
        with pytest.raises(ValidationError, match="只有本督导室主任"):
            escalations.escalation_dismiss(escalation=escalation, actor=user, note="不升级")
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.PROPOSED

    confirmed = escalations.escalation_confirm(escalation=escalation, actor=world["director_a"], note="限期整改")
    assert (confirmed.status, confirmed.decided_by, confirmed.note) == (EscalationStatus.CONFIRMED, world["director_a"], "限期整改")


def test_a_proposal_decided_once_cannot_be_decided_again(world):
    ticket = overdue_ticket(world, days=10)
    check()
    escalation = Escalation.objects.get(ticket=ticket)
    escalations.escalation_confirm(escalation=escalation, actor=world["director_a"])
    with pytest.raises(escalations.EscalationAlreadyDecided, match="已由他人处理"):
        escalations.escalation_dismiss(escalation=escalation, actor=world["director_a"], note="改主意")


def test_confirming_is_refused_once_the_ticket_is_closed_or_no_longer_overdue(world):
    closed, extended = overdue_ticket(world, 10), overdue_ticket(world, 10, "a2")
    check()
    Ticket.objects.filter(pk=closed.pk).update(status=TicketStatus.CLOSED)
    Ticket.objects.filter(pk=extended.pk).update(deadline=TODAY() + dt.timedelta(days=5))
    with pytest.raises(ValidationError, match="已销号"):
        confirm(world, closed, URGE)
    with pytest.raises(ValidationError, match="已不再逾期"):
        confirm(world, extended, URGE)
    assert Escalation.objects.filter(status=EscalationStatus.PROPOSED).count() == 2


def test_every_step_is_written_in_the_tickets_history(world):
    ticket = overdue_ticket(world, days=40)
    check()
    confirm(world, ticket, URGE, ip="10.1.2.3")
    check()
    escalations.escalation_dismiss(escalation=Escalation.objects.get(ticket=ticket, level=NOTICE),
                                   actor=world["director_a"], note="已约学校负责人说明情况")
    events = list(ticket.events.exclude(action=TicketAction.CREATED).order_by("pk"))
    assert [(e.action, e.actor) for e in events] == [
        (TicketAction.ESCALATION_PROPOSED, None),
        (TicketAction.ESCALATION_CONFIRMED, world["director_a"]),
        (TicketAction.ESCALATION_PROPOSED, None),
        (TicketAction.ESCALATION_DISMISSED, world["director_a"]),
    ]
    assert "逾期40天,提请督办" in events[0].note
    assert events[1].ip_address == "10.1.2.3" and "确认督办" in events[1].note
    assert "提请通报" in events[2].note and "已约学校负责人说明情况" in events[3].note
    ticket.refresh_from_db()
    assert ticket.version == 5  # every step moves the version: a page open on the old one is stale


# --- The policy page -----------------------------------------------------------------------------------


def test_thresholds_must_climb_rung_by_rung(world):
    with pytest.raises(ValidationError) as info:
        escalations.escalation_policy_save(office=world["county_a"], actor=world["director_a"], urge_after_days=0,
                                           notice_after_days=30, summons_after_days=20, accountability_after_days=90)
    errors = info.value.message_dict
    assert "1 到 3650" in errors["urge_after_days"][0]
    assert "“约谈”的天数须多于上一级(30天)" in errors["summons_after_days"][0]


def test_admin_and_director_edit_the_offices_thresholds_on_the_policy_page(client, world):
    url = reverse("inspections:escalation_policy")
    for user in [world["admin_a"], world["director_a"]]:
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200 and world["county_a"].name in page.content.decode()
    response = client.post(url, {"urge_after_days": 5, "notice_after_days": 20, "summons_after_days": 40,
                                 "accountability_after_days": 80})
    assert response.status_code == 302
    policy = EscalationPolicy.objects.get(office=world["county_a"])
    assert (policy.urge_after_days, policy.accountability_after_days) == (5, 80)


def test_a_wrong_threshold_is_shown_with_what_was_typed(client, world):
    client.force_login(world["admin_a"])
    response = client.post(reverse("inspections:escalation_policy"), {
        "urge_after_days": 10, "notice_after_days": 8, "summons_after_days": 60, "accountability_after_days": "x",
    })
    body = response.content.decode()
    assert response.status_code == 400
    assert "“通报”的天数须多于上一级(10天)" in body or "accountability_after_days" in body
    assert 'value="8"' in body and 'value="60"' in body
    assert EscalationPolicy.objects.get(office=world["county_a"]).notice_after_days == 30


def test_policy_page_is_the_offices_own(client, world):
    url = reverse("inspections:escalation_policy")
    for user in [world["sup_a1"].user, world["school_user_a1"], world["city_viewer"]]:
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.force_login(world["admin_b"])
    assert client.get(url, {"office": world["county_a"].pk}).status_code == 404
    assert client.post(url + f"?office={world['county_a'].pk}", {"urge_after_days": 1}).status_code == 404


# --- The escalation list and decision pages -------------------------------------------------------------


def test_the_list_shows_pending_proposals_first_with_school_and_days_overdue(client, world):
    older = overdue_ticket(world, 10, "a2")
    check()
    confirm(world, older, URGE)
    overdue_ticket(world, 9, "a3")
    overdue_ticket(world, 20, "a1")
    check()
    client.force_login(world["director_a"])
    body = client.get(reverse("inspections:escalation_list")).content.decode()
    assert body.count('data-testid="escalation-row"') == 3
    # Pending first, the most overdue first; then the decided one, though proposed earlier.
    assert body.index("柳河县第一小学") < body.index("三源浦镇中心小学") < body.index("柳河县第二中学")
    assert "提请时逾期 9 天" in body and "提请时逾期 10 天" in body
    pending_only = client.get(reverse("inspections:escalation_list"), {"show": "pending"}).content.decode()
    assert pending_only.count('data-testid="escalation-row"') == 2 and "柳河县第二中学" not in pending_only


def test_every_role_sees_the_escalation_list_of_its_own_offices_only(client, world):
    overdue_ticket(world, 10, "a1")
    overdue_ticket(world, 10, "b1")
    check()
    url = reverse("inspections:escalation_list")
    expected = {"director_a": ["柳河县第一小学"], "admin_a": ["柳河县第一小学"], "admin_b": ["辉南县第一小学"],
                "city_viewer": ["柳河县第一小学", "辉南县第一小学"]}
    for name, schools in expected.items():
        client.force_login(world[name])
        body = client.get(url).content.decode()
        assert [s for s in ["柳河县第一小学", "辉南县第一小学"] if s in body] == schools, name
    for user in [world["sup_a1"].user, world["school_user_a1"]]:
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_the_list_runs_a_constant_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world["director_a"])
    overdue_ticket(world, 10, "a1")
    check()
    url = reverse("inspections:escalation_list")
    client.get(url)
    with django_assert_num_queries(11) as small:
        client.get(url)
    for school in ["a2", "a3", "b1"]:
        overdue_ticket(world, 40, school)
    check()
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_director_confirms_on_the_decision_page_and_the_admin_may_only_read_it(client, world):
    ticket = overdue_ticket(world, 10)
    check()
    escalation = Escalation.objects.get(ticket=ticket)
    url = reverse("inspections:escalation_detail", args=[escalation.pk])
    client.force_login(world["admin_a"])
    page = client.get(url)
    assert page.status_code == 200 and "确认督办" not in page.content.decode()
    assert client.post(url, {"action": "confirm"}).status_code == 403
    client.force_login(world["director_a"])
    assert "确认督办" in client.get(url).content.decode()
    response = client.post(url, {"action": "confirm", "note": "请校长亲自督促"})
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.CONFIRMED and escalation.note == "请校长亲自督促"
    assert reverse("inspections:urge_notice_pdf", args=[escalation.pk]) in client.get(url).content.decode()


def test_dismissing_without_a_reason_on_the_page_is_refused(client, world):
    ticket = overdue_ticket(world, 10)
    check()
    escalation = Escalation.objects.get(ticket=ticket)
    client.force_login(world["director_a"])
    response = client.post(reverse("inspections:escalation_detail", args=[escalation.pk]), {"action": "dismiss", "note": ""})
    assert response.status_code == 400 and "请说明暂不升级的理由" in response.content.decode()
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.PROPOSED


def test_a_second_director_deciding_the_same_proposal_is_told_and_keeps_the_note(client, world):
    ticket = overdue_ticket(world, 10)
    check()
    escalation = Escalation.objects.get(ticket=ticket)
    second = f.office_user(Role.DIRECTOR, world["county_a"])
    escalations.escalation_confirm(escalation=escalation, actor=world["director_a"])
    client.force_login(second)
    response = client.post(reverse("inspections:escalation_detail", args=[escalation.pk]),
                           {"action": "dismiss", "note": "我认为可暂缓"})
    body = response.content.decode()
    assert response.status_code == 409
    assert "已由他人处理" in body and "我认为可暂缓" in body
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.CONFIRMED


def test_decision_page_of_another_office_is_not_found(client, world):
    ticket = overdue_ticket(world, 10)
    check()
    url = reverse("inspections:escalation_detail", args=[Escalation.objects.get(ticket=ticket).pk])
    for user in [world["admin_b"], world["sup_a1"].user, world["school_user_a1"]]:
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "confirm"}).status_code == 404


# --- The 督办通知书 -------------------------------------------------------------------------------------


@pytest.fixture
def confirmed_urge(world):
    ticket = overdue_ticket(world, 9)
    check()
    return confirm(world, ticket, URGE, note="由校长牵头落实")


def _notice(client, user, escalation, tmp_path):
    client.force_login(user)
    response = client.get(reverse("inspections:urge_notice_pdf", args=[escalation.pk]))
    assert response.status_code == 200, user
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / f"notice-{user.pk}.pdf"
    path.write_bytes(response.content)
    return path


def test_the_notice_is_addressed_to_the_school_with_the_problem_and_the_days_overdue(client, world, confirmed_urge, tmp_path):
    path = _notice(client, world["school_user_a1"], confirmed_urge, tmp_path)
    text = pdf_text(path)
    ticket = confirmed_urge.ticket
    today = TODAY()
    original = today - dt.timedelta(days=9)
    new = today + dt.timedelta(days=escalations.URGE_RECTIFY_DAYS)
    assert "督办通知书" in text
    assert f"柳河县督办〔{today.year}〕1号" in text
    assert "柳河县第一小学：" in text  # the addressee, official full-width punctuation
    assert ticket.problem.description in text and ticket.problem.opinion in text
    assert "已逾期9天" in text
    assert f"{original.year}年{original.month}月{original.day}日" in text
    assert f"{new.year}年{new.month}月{new.day}日前整改到位" in text
    assert "由校长牵头落实" in text
    assert text.endswith(f"柳河县人民政府教育督导室{today.year}年{today.month}月{today.day}日—1—")
    assert pdf_page_texts(path)[0].endswith("—1—")


def test_notices_are_numbered_in_order_within_the_office_and_year(world, confirmed_urge):
    second = overdue_ticket(world, 12, "a2")
    check()
    later = confirm(world, second, URGE)
    assert escalations.urge_notice_number(confirmed_urge).endswith("〔%d〕1号" % TODAY().year)
    assert escalations.urge_notice_number(later).endswith("〔%d〕2号" % TODAY().year)


def test_the_notice_uses_the_noto_cjk_faces_subset_with_harfbuzz(world, confirmed_urge, caplog, tmp_path):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        content = escalations.urge_notice_pdf(confirmed_urge)
    assert not [r.getMessage() for r in caplog.records if "subset" in r.getMessage().lower()]
    path = tmp_path / "notice.pdf"
    path.write_bytes(content)
    fonts = {font["name"].split("+", 1)[1]: font for font in pdf_fonts(path)}
    assert set(fonts) == {"Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC"}
    assert all(font["emb"] == "yes" and font["sub"] == "yes" for font in fonts.values())


def test_the_notice_is_for_those_who_see_the_ticket_and_no_one_else(client, world, confirmed_urge, tmp_path):
    for name in ["school_user_a1", "admin_a", "director_a", "city_viewer", "province_viewer"]:
        _notice(client, world[name], confirmed_urge, tmp_path)
    _notice(client, world["sup_a1"].user, confirmed_urge, tmp_path)
    url = reverse("inspections:urge_notice_pdf", args=[confirmed_urge.pk])
    other_school_user = f.school_user(world["schools"]["a2"])
    for user in [other_school_user, world["sup_a2"].user, world["sup_b1"].user, world["admin_b"]]:
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.logout()
    assert client.get(url).status_code == 302


def test_only_a_confirmed_督办_has_a_notice(client, world):
    ticket = overdue_ticket(world, 40)
    check()
    proposed = Escalation.objects.get(ticket=ticket, level=URGE)
    client.force_login(world["director_a"])
    assert client.get(reverse("inspections:urge_notice_pdf", args=[proposed.pk])).status_code == 404
    confirm(world, ticket, URGE)
    check()
    notice = confirm(world, ticket, NOTICE)  # 通报 is confirmed but has no 督办通知书
    assert client.get(reverse("inspections:urge_notice_pdf", args=[notice.pk])).status_code == 404
