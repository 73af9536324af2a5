"""The ticket pages: a school answers its tickets with a report and evidence, asks for more time;
the supervisor re-checks, closes (销号) or returns; everyone else reads or gets 404."""
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from supervision import calendar
from inspections.visits import selectors
from inspections.visits import services as visit_services
from inspections.tickets import services as ticket_services
from inspections.models.choices import ExtensionStatus, RecheckResult, TicketAction, TicketStatus
from inspections.models import Evidence, Extension, Problem, Recheck, RecheckPhoto, Ticket
from tests import factories as f

from tests.inspections.evidence_files import EXECUTABLE, image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_ticket(world, school="a1", date=None, problems=1) -> Ticket:
    visit = f.visit_filled(user=world["sup_a1" if school in ("a1", "a2") else "sup_a2"].user,
                           school=world["schools"][school], problems=problems, date=date)
    return Ticket.objects.filter(problem__visit=visit).order_by("pk").first()


@pytest.fixture
def ticket(world):
    return make_ticket(world)


def url(name, *args):
    return reverse(f"inspections:{name}", args=args)


def as_user(client, user):
    client.force_login(user)
    return client


def school(client, world):
    return as_user(client, world["school_user_a1"])


def supervisor(client, world):
    return as_user(client, world["sup_a1"].user)


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def report(client, ticket, text="已清理消防通道,张贴了禁止堆放标识。", files=(), do="save"):
    data = {"version": fresh(ticket).version, "text": text, "do": do}
    if files:
        data["files"] = list(files)
    return client.post(url("ticket_report", ticket.pk), data)


def png(name="整改后.png"):
    return upload(name, image_bytes("PNG"), "image/png")


def pdf(name="整改报告.pdf"):
    return upload(name, pdf_bytes(), "application/pdf")


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "evidence"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def submitted(world, ticket, client) -> Ticket:
    school(client, world)
    assert report(client, ticket, files=[png()], do="submit").status_code == 302
    return fresh(ticket)


# --- The workspace -----------------------------------------------------------------------------------


def test_school_user_sees_their_tickets_by_status_with_days_left(client, world, ticket):
    other = make_ticket(world, school="a3")
    Problem.objects.filter(pk=other.problem_id).update(description="三源浦镇中心小学的问题")
    body = school(client, world).get(url("ticket_list")).content.decode()
    assert body.count('data-testid="ticket-row"') == 1
    assert ticket.problem.item_title in body and "三源浦镇中心小学的问题" not in body
    days = (ticket.deadline - timezone.localdate()).days
    assert f"还剩 {days} 天" in body
    assert 'data-testid="tab-open"' in body and "待整改" in body and "整改中" in body and "已提交" in body and "已销号" in body


def test_an_overdue_ticket_is_red_with_the_days_overdue(client, world, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(deadline=timezone.localdate() - dt.timedelta(days=4))
    body = school(client, world).get(url("ticket_list")).content.decode()
    assert 'data-overdue="1"' in body and "text-bg-danger" in body and "逾期 4 天" in body


def test_the_tabs_show_each_status_and_count(client, world, ticket):
    submitted(world, ticket, client)
    make_ticket(world)
    page = school(client, world).get(url("ticket_list"))
    assert [(value, n) for value, _label, n in page.context["tabs"]] == [
        ("open", 1), ("in_progress", 0), ("submitted", 1), ("closed", 0)]
    assert page.context["tab"] == TicketStatus.OPEN
    rows = client.get(url("ticket_list") + "?status=submitted").context["tickets"]
    assert [t.pk for t in rows] == [ticket.pk]


def test_supervisors_see_their_zones_tickets_and_offices_theirs(client, world, ticket):
    a3 = make_ticket(world, school="a3")
    b1 = f.visit_filled(user=world["sup_b1"].user, school=world["schools"]["b1"], problems=1).problems.get().ticket

    def listed(user):
        return {t.pk for t in as_user(client, user).get(url("ticket_list")).context["tickets"]}

    assert listed(world["sup_a1"].user) == {ticket.pk}
    assert listed(world["sup_a2"].user) == {a3.pk}
    assert listed(world["director_a"]) == {ticket.pk, a3.pk}
    assert listed(world["city_viewer"]) == {ticket.pk, a3.pk, b1.pk}
    assert listed(world["admin_b"]) == {b1.pk}


def test_the_workspace_runs_the_same_number_of_queries_for_100_and_300_tickets(client, world, ticket, django_assert_num_queries):
    def grow(n):
        problem = ticket.problem
        fields = {f.name: getattr(problem, f.name) for f in Problem._meta.concrete_fields if f.name != "id"}
        problems = Problem.objects.bulk_create([Problem(**fields) for _ in range(n)])
        Ticket.objects.bulk_create([
            Ticket(problem=p, office_id=p.office_id, school_id=p.school_id, deadline=p.deadline + dt.timedelta(days=i % 40),
                   opened_on=p.found_on) for i, p in enumerate(problems)
        ])

    grow(99)
    client = school(client, world)
    client.get(url("ticket_list"))  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url("ticket_list")).context["tickets"]) == 50
    grow(200)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url("ticket_list"))
    assert page.context["page"].paginator.count == 300


# --- Who may see and act ---------------------------------------------------------------------------


def test_school_user_cannot_open_another_schools_ticket_or_evidence_by_guessing_ids(client, world):
    other = make_ticket(world, school="a2")
    other_school = f.school_user(world["schools"]["a2"])
    as_user(client, other_school)
    assert report(client, other, files=[png()]).status_code == 302
    evidence = Evidence.objects.get()
    as_user(client, world["school_user_a1"])
    assert client.get(url("ticket_detail", other.pk)).status_code == 404
    assert client.get(url("evidence_download", evidence.pk)).status_code == 404
    assert client.post(url("ticket_start", other.pk), {"version": other.version}).status_code == 404
    assert report(client, other, files=[png("偷传.png")]).status_code == 404
    assert client.post(url("ticket_report", other.pk), {"version": fresh(other).version, "remove": evidence.pk}).status_code == 404
    assert client.post(url("extension_request", other.pk), {"version": 1, "reason": "x"}).status_code == 404
    # Nor can a file be taken back through another ticket of one's own school.
    mine = make_ticket(world, school="a1")
    assert client.post(url("ticket_report", mine.pk), {"version": mine.version, "remove": evidence.pk}).status_code == 404
    assert Evidence.objects.count() == 1 and fresh(other).status == TicketStatus.IN_PROGRESS


def test_a_supervisor_of_another_zone_gets_404(client, world, ticket):
    submitted(world, ticket, client)
    as_user(client, world["sup_a2"].user)
    assert client.get(url("ticket_detail", ticket.pk)).status_code == 404
    response = client.post(url("ticket_recheck", ticket.pk), {"version": fresh(ticket).version, "mode": "evidence",
                                                              "result": "rectified"})
    assert response.status_code == 404
    assert client.get(url("evidence_download", Evidence.objects.get().pk)).status_code == 404
    assert fresh(ticket).status == TicketStatus.SUBMITTED


def test_the_city_viewer_reads_without_buttons_and_cannot_post(client, world, ticket):
    ticket = submitted(world, ticket, client)
    Extension.objects.create(ticket=ticket, requested_deadline=ticket.deadline + dt.timedelta(days=7), reason="施工",
                             requested_by=world["school_user_a1"])
    as_user(client, world["city_viewer"])
    body = client.get(url("ticket_detail", ticket.pk)).content.decode()
    assert 'data-testid="read-only"' in body and ticket.problem.description in body
    for testid in ("report-form", "recheck-form", "extension-form", "decision-form", "start"):
        assert f'data-testid="{testid}"' not in body
    assert client.get(url("evidence_download", Evidence.objects.get().pk)).status_code == 200
    version = fresh(ticket).version
    assert client.post(url("ticket_recheck", ticket.pk), {"version": version, "mode": "evidence", "result": "rectified"}).status_code == 404
    assert client.post(url("extension_decide", ticket.pk, Extension.objects.get().pk), {"version": version, "decision": "approve"}).status_code == 404
    assert report(client, ticket, files=[png()]).status_code == 404
    assert fresh(ticket).status == TicketStatus.SUBMITTED and fresh(ticket).version == version


def test_the_school_sees_its_actions_and_the_supervisor_theirs(client, world, ticket):
    body = school(client, world).get(url("ticket_detail", ticket.pk)).content.decode()
    assert 'data-testid="start"' in body and 'data-testid="report-form"' in body and 'data-testid="extension-form"' in body
    assert 'data-testid="recheck-form"' not in body
    body = supervisor(client, world).get(url("ticket_detail", ticket.pk)).content.decode()
    assert 'data-testid="recheck-form"' in body and 'data-testid="report-form"' not in body


# --- The school's report --------------------------------------------------------------------------------


def test_school_uploads_a_photo_and_a_pdf_and_submits_the_report(client, world, ticket):
    school(client, world)
    assert client.post(url("ticket_start", ticket.pk), {"version": ticket.version}).status_code == 302
    assert fresh(ticket).status == TicketStatus.IN_PROGRESS
    photo, document = image_bytes("PNG"), pdf_bytes()
    response = report(client, ticket, text="已清理", files=[upload("整改后.png", photo), upload("整改报告.pdf", document)])
    assert response.status_code == 302
    files = {e.original_name: e for e in Evidence.objects.all()}
    assert files["整改后.png"].sha256 == hashlib.sha256(photo).hexdigest()
    assert files["整改报告.pdf"].content_type == "application/pdf" and files["整改报告.pdf"].size == len(document)
    assert Path(files["整改报告.pdf"].file.path).read_bytes() == document
    body = client.get(url("ticket_detail", ticket.pk)).content.decode()
    assert "已清理" in body and body.count('data-testid="evidence"') == 2
    assert report(client, ticket, text="已清理,并建立每日巡查制度。", do="submit").status_code == 302
    ticket = fresh(ticket)
    assert ticket.status == TicketStatus.SUBMITTED
    assert ticket.reports.get().text == "已清理,并建立每日巡查制度。"
    actions = list(ticket.events.values_list("action", "ip_address"))
    assert actions[-1] == (TicketAction.REPORT_SUBMITTED, "127.0.0.1")
    assert [a for a, _ip in actions].count(TicketAction.EVIDENCE_ADDED) == 2
    body = client.get(url("ticket_detail", ticket.pk)).content.decode()
    assert 'data-testid="waiting"' in body and "127.0.0.1" not in body  # the address is the auditors' only


def test_submitting_without_evidence_is_refused_and_the_text_is_kept(client, world, ticket):
    response = report(school(client, world), ticket, text="我们已经整改完毕", do="submit")
    assert response.status_code == 400
    body = response.content.decode()
    assert "请至少上传一份佐证材料" in body and "我们已经整改完毕</textarea>" in body
    assert fresh(ticket).status == TicketStatus.OPEN


def test_a_disguised_executable_is_refused_and_nothing_is_stored(client, world, ticket):
    response = report(school(client, world), ticket, text="见照片",
                      files=[png("真照片.png"), upload("整改照片.jpg", EXECUTABLE, "image/jpeg")])
    assert response.status_code == 400
    body = response.content.decode()
    assert "“整改照片.jpg”不能上传" in body and "可执行程序" in body and "见照片</textarea>" in body
    assert Evidence.objects.count() == 0 and stored_files() == []
    assert fresh(ticket).status == TicketStatus.OPEN


def test_an_oversized_file_is_refused_and_nothing_is_stored(client, world, ticket, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 50 * 1024
    big = upload("高清照片.png", image_bytes("PNG", size=(1200, 1200), color=(1, 2, 3))[:8] + b"\x00" * 60 * 1024)
    response = report(school(client, world), ticket, files=[big])
    assert response.status_code == 400
    assert "“高清照片.png”过大" in response.content.decode()
    assert Evidence.objects.count() == 0 and stored_files() == []


def test_evidence_can_be_removed_while_a_draft_but_not_after_submission(client, world, ticket):
    school(client, world)
    report(client, ticket, files=[png("拍错了.png"), pdf()])
    wrong = Evidence.objects.get(original_name="拍错了.png")
    path = Path(wrong.file.path)
    response = client.post(url("ticket_report", ticket.pk), {
        "version": fresh(ticket).version, "text": "删除时写到一半的说明", "remove": wrong.pk})
    assert response.status_code == 302 and not path.exists()
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["整改报告.pdf"]
    assert ticket.reports.get().text == "删除时写到一半的说明"
    report(client, ticket, do="submit")
    kept = Evidence.objects.get()
    response = client.post(url("ticket_report", ticket.pk), {"version": fresh(ticket).version, "remove": kept.pk})
    assert response.status_code == 400 and "不能再修改" in response.content.decode()
    response = report(client, ticket, files=[png("补一张.png")])
    assert response.status_code == 400
    assert Evidence.objects.count() == 1 and Path(kept.file.path).exists()
    with pytest.raises(ValidationError, match="不能再修改"):
        ticket_services.evidence_add(ticket=fresh(ticket), actor=world["school_user_a1"], upload=png("再补.png"))
    with pytest.raises(ValidationError, match="不能再修改"):
        ticket_services.evidence_delete(evidence=kept, actor=world["school_user_a1"])


def test_the_same_file_is_not_uploaded_twice(client, world, ticket):
    school(client, world)
    report(client, ticket, files=[png("一.png")])
    response = report(client, ticket, files=[png("二.png")])
    assert response.status_code == 400 and "已经上传过了" in response.content.decode()


def test_evidence_downloads_under_its_chinese_name_with_nosniff(client, world, ticket):
    school(client, world)
    report(client, ticket, files=[pdf("柳河一小整改报告.pdf"), png()])
    document = Evidence.objects.get(content_type="application/pdf")
    response = client.get(url("evidence_download", document.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%9F%B3%E6%B2%B3" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    photo = client.get(url("evidence_download", Evidence.objects.get(content_type="image/jpeg").pk))
    assert photo["Content-Disposition"].startswith("inline;") and photo["X-Content-Type-Options"] == "nosniff"
    assert "filename*=utf-8''%E6%95%B4%E6%94%B9%E5%90%8E.jpg" in photo["Content-Disposition"]  # 整改后.jpg: a JPEG is stored
    client.logout()
    assert client.get(url("evidence_download", document.pk)).status_code == 302  # to the login page


def test_a_stale_page_gets_409_and_keeps_the_typed_text(client, world, ticket):
    seen = ticket.version
    ticket_services.ticket_start(ticket=ticket, actor=world["school_user_a1"])  # a colleague, a moment earlier
    response = school(client, world).post(url("ticket_report", ticket.pk), {
        "version": seen, "text": "我写了很久的整改说明", "do": "save"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "刚被他人更新" in body and "我写了很久的整改说明</textarea>" in body
    assert f'name="version" value="{fresh(ticket).version}"' in body  # sending again now works
    assert not ticket.reports.filter(text__contains="整改说明").exists()


def _two_colleagues(world, ticket):
    """Two school contacts of a1, each with the ticket's page open (the same version)."""
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(world["school_user_a1"])
    second.force_login(f.school_user(world["schools"]["a1"], username="school_a1_second"))
    seen = fresh(ticket).version
    for colleague in (first, second):
        assert colleague.get(url("ticket_detail", ticket.pk)).status_code == 200
    return first, second, seen


def test_two_colleagues_saving_the_report_at_once_the_second_is_told_and_keeps_the_text(world, ticket):
    ticket_services.ticket_start(ticket=ticket, actor=world["school_user_a1"])
    first, second, seen = _two_colleagues(world, ticket)

    saved = first.post(url("ticket_report", ticket.pk), {"version": seen, "text": "一号:清理了消防通道。", "do": "save"})
    late = second.post(url("ticket_report", ticket.pk), {"version": seen, "text": "二号:张贴了禁止堆放标识。", "do": "save"})

    assert saved.status_code == 302
    assert late.status_code == 409
    body = late.content.decode()
    assert "刚被他人更新" in body and "二号:张贴了禁止堆放标识。</textarea>" in body
    assert "一号:清理了消防通道。" in body  # what the colleague saved is shown, to compare
    assert selectors_text(ticket) == "一号:清理了消防通道。"
    again = second.post(url("ticket_report", ticket.pk), {
        "version": late.context["report_form"]["version"].value(), "text": "一号、二号合并的说明", "do": "save"})
    assert again.status_code == 302 and selectors_text(ticket) == "一号、二号合并的说明"


def test_a_colleague_submitted_meanwhile_the_second_is_told_and_still_sees_their_text(world, ticket):
    ticket_services.ticket_start(ticket=ticket, actor=world["school_user_a1"])
    first, second, seen = _two_colleagues(world, ticket)

    submitted_ = first.post(url("ticket_report", ticket.pk), {
        "version": seen, "text": "一号:整改完成。", "do": "submit", "files": [png()]})
    late = second.post(url("ticket_report", ticket.pk), {"version": seen, "text": "二号:我的整改说明", "do": "submit"})

    assert submitted_.status_code == 302 and fresh(ticket).status == TicketStatus.SUBMITTED
    assert late.status_code == 409
    body = late.content.decode()
    assert "刚被他人更新" in body and "二号:我的整改说明</textarea>" in body
    assert ticket.reports.get().text == "一号:整改完成。"


def selectors_text(ticket) -> str:
    return ticket.reports.order_by("-round").first().text


def test_an_illegal_move_is_refused_with_a_message(client, world, ticket):
    ticket = submitted(world, ticket, client)
    response = client.post(url("ticket_start", ticket.pk), {"version": ticket.version})
    assert response.status_code == 400
    assert "当前状态“已提交整改报告”下不能执行“开始整改”" in response.content.decode()


# --- The supervisor's re-check -------------------------------------------------------------------------


def recheck(client, ticket, result, notes="", mode="evidence", photos=()):
    data = {"version": fresh(ticket).version, "mode": mode, "result": result, "notes": notes,
            "date": timezone.localdate().isoformat()}
    if photos:
        data["photos"] = list(photos)
    return client.post(url("ticket_recheck", ticket.pk), data)


def test_supervisor_returns_school_resubmits_supervisor_closes(client, world, ticket):
    ticket = submitted(world, ticket, client)
    supervisor(client, world)
    response = recheck(client, ticket, RecheckResult.NOT_RECTIFIED, notes="照片看不出通道已清空,请补拍全景。")
    assert response.status_code == 302 and fresh(ticket).status == TicketStatus.IN_PROGRESS
    body = school(client, world).get(url("ticket_detail", ticket.pk)).content.decode()
    assert 'data-testid="return-reason"' in body and "请补拍全景" in body
    assert report(client, ticket, text="补拍了全景", files=[png("全景.png")], do="submit").status_code == 302
    assert fresh(ticket).reports.count() == 2
    supervisor(client, world)
    response = recheck(client, ticket, RecheckResult.RECTIFIED, notes="材料齐全", photos=[upload("现场.jpg", image_bytes("JPEG"))])
    assert response.status_code == 302
    ticket = fresh(ticket)
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_by == world["sup_a1"].user
    photo = RecheckPhoto.objects.get()
    assert client.get(url("recheck_photo", photo.pk))["Content-Type"] == "image/jpeg"
    body = client.get(url("ticket_detail", ticket.pk)).content.decode()
    assert "已销号" in body and body.count('data-testid="round"') == 2 and 'data-testid="recheck-form"' not in body
    assert list(ticket.events.exclude(to_status="").values_list("to_status", flat=True)) == [
        "open", "in_progress", "submitted", "in_progress", "submitted", "closed"]
    as_user(client, world["sup_a2"].user)
    assert client.get(url("recheck_photo", photo.pk)).status_code == 404


def test_returning_needs_a_reason(client, world, ticket):
    ticket = submitted(world, ticket, client)
    response = recheck(supervisor(client, world), ticket, RecheckResult.NOT_RECTIFIED, notes="  ")
    assert response.status_code == 400 and "请写明复查情况和退回原因" in response.content.decode()
    assert fresh(ticket).status == TicketStatus.SUBMITTED and not Recheck.objects.exists()


def test_an_on_site_recheck_that_finds_it_not_rectified_is_recorded_without_a_move(client, world, ticket):
    response = recheck(supervisor(client, world), ticket, RecheckResult.NOT_RECTIFIED, notes="通道仍有杂物", mode="on_site")
    assert response.status_code == 302
    ticket = fresh(ticket)
    assert ticket.status == TicketStatus.OPEN
    assert ticket.events.last().action == TicketAction.RECHECKED and "通道仍有杂物" in ticket.events.last().note


def test_a_closed_ticket_cannot_be_rechecked_again(client, world, ticket):
    supervisor(client, world)
    assert recheck(client, ticket, RecheckResult.RECTIFIED, mode="on_site").status_code == 302
    with pytest.raises(ValidationError, match="已销号"):
        ticket_services.ticket_recheck(ticket=fresh(ticket), actor=world["sup_a1"].user, result=RecheckResult.RECTIFIED)


# --- Extensions ----------------------------------------------------------------------------------------


def ask(client, ticket, deadline, reason="需要等待施工队进场"):
    return client.post(url("extension_request", ticket.pk), {
        "version": fresh(ticket).version, "requested_deadline": deadline.isoformat(), "reason": reason})


def test_school_asks_for_more_time_and_the_supervisor_approves(client, world, ticket):
    new = ticket.deadline + dt.timedelta(days=14)
    assert ask(school(client, world), ticket, new).status_code == 302
    extension = Extension.objects.get()
    assert extension.status == ExtensionStatus.PENDING
    response = supervisor(client, world).post(url("extension_decide", ticket.pk, extension.pk), {
        "version": fresh(ticket).version, "decision": "approve", "note": "同意"})
    assert response.status_code == 302
    assert fresh(ticket).deadline == new
    assert list(fresh(ticket).events.values_list("action", flat=True))[-2:] == [
        TicketAction.EXTENSION_REQUESTED, TicketAction.EXTENSION_APPROVED]


def test_the_supervisor_refuses_with_a_note(client, world, ticket):
    ask(school(client, world), ticket, ticket.deadline + dt.timedelta(days=7))
    extension = Extension.objects.get()
    supervisor(client, world)
    response = client.post(url("extension_decide", ticket.pk, extension.pk), {"version": fresh(ticket).version, "decision": "refuse"})
    assert response.status_code == 400 and "不同意延期时请写明意见" in response.content.decode()
    response = client.post(url("extension_decide", ticket.pk, extension.pk), {
        "version": fresh(ticket).version, "decision": "refuse", "note": "隐患紧急,须按期整改"})
    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.REFUSED and fresh(ticket).deadline == ticket.deadline


def test_an_extension_must_be_later_than_the_deadline_and_within_the_school_year(client, world, ticket):
    school(client, world)
    response = ask(client, ticket, ticket.deadline - dt.timedelta(days=1))
    assert response.status_code == 400 and "应晚于当前期限" in response.content.decode()
    year_end = calendar.school_year_end(timezone.localdate())
    response = ask(client, ticket, year_end + dt.timedelta(days=1), reason="等到下学期")
    body = response.content.decode()
    assert response.status_code == 400 and "延期不能超过本学年结束" in body and "等到下学期</textarea>" in body
    assert not Extension.objects.exists()
    assert ask(client, ticket, year_end).status_code == 302
    response = ask(client, ticket, year_end)
    assert response.status_code == 400 and "请勿重复申请" in response.content.decode()


def test_the_school_year_ends_on_the_coming_31_august():
    assert calendar.school_year_end(dt.date(2026, 11, 23)) == dt.date(2027, 8, 31)
    assert calendar.school_year_end(dt.date(2027, 3, 1)) == dt.date(2027, 8, 31)
    assert calendar.school_year_end(dt.date(2027, 8, 31)) == dt.date(2027, 8, 31)


# --- Re-checks during the monthly visit -------------------------------------------------------------------


def next_visit(world, ticket, result, notes=""):
    """This month's visit to the school re-checks last month's ticket and is submitted."""
    user = world["sup_a1"].user
    visit = visit_services.visit_start(user=user, school=ticket.school, date=timezone.localdate(), methods=["campus_walk"])
    ticket_services.recheck_record(problem=ticket.problem, user=user, visit=visit, result=result, notes=notes)
    for answer in visit.checklist.answers.all():
        visit_services.answer_save(answer=answer, user=user, conclusion="ok")
    return visit


def last_month(world):
    return make_ticket(world, date=timezone.localdate() - relativedelta(months=1))


def test_this_months_checklist_lists_the_schools_open_tickets(client, world):
    old, closed = last_month(world), last_month(world)
    ticket_services.ticket_recheck(ticket=closed, actor=world["sup_a1"].user, result=RecheckResult.RECTIFIED, mode="on_site")
    visit = visit_services.visit_start(user=world["sup_a1"].user, school=old.school, date=timezone.localdate(), methods=["campus_walk"])
    assert [p.pk for p in selectors.problems_to_recheck(visit=visit)] == [old.problem_id]
    body = supervisor(client, world).get(url("visit_detail", visit.pk)).content.decode()
    assert body.count('data-testid="recheck"') == 1 and old.problem.description in body
    assert body.count('data-testid="recheck-ticket"') == 1 and url("ticket_detail", old.pk) in body and "待整改" in body


def test_a_rectified_recheck_in_the_visit_closes_the_ticket_on_submit(world):
    old = last_month(world)
    visit = next_visit(world, old, RecheckResult.RECTIFIED, "已清理")
    assert fresh(old).status == TicketStatus.OPEN  # the draft does not act yet
    visit_services.checklist_submit(checklist=visit.checklist, user=world["sup_a1"].user, ip="10.1.2.3")
    old = fresh(old)
    assert old.status == TicketStatus.CLOSED
    assert old.events.last().action == TicketAction.CLOSED and old.events.last().ip_address == "10.1.2.3"
    assert selectors.problems_to_recheck(visit=visit_services.visit_start(
        user=world["sup_a1"].user, school=old.school, date=timezone.localdate(), methods=["campus_walk"])) == []


def test_a_not_rectified_recheck_in_the_visit_returns_a_submitted_report(client, world):
    old = submitted(world, last_month(world), client)
    visit = next_visit(world, old, RecheckResult.NOT_RECTIFIED, "通道仍堆放杂物")
    visit_services.checklist_submit(checklist=visit.checklist, user=world["sup_a1"].user)
    old = fresh(old)
    assert old.status == TicketStatus.IN_PROGRESS
    assert old.reports.get().return_reason == "通道仍堆放杂物"


def test_a_not_rectified_recheck_on_an_open_ticket_is_written_in_its_history(world):
    old = last_month(world)
    visit = next_visit(world, old, RecheckResult.NOT_RECTIFIED, "尚未整改")
    visit_services.checklist_submit(checklist=visit.checklist, user=world["sup_a1"].user)
    old = fresh(old)
    assert old.status == TicketStatus.OPEN and old.events.last().action == TicketAction.RECHECKED


def test_a_report_submitted_after_the_visits_recheck_is_not_closed_unseen(client, world):
    old = last_month(world)
    visit = next_visit(world, old, RecheckResult.RECTIFIED, "现场看已整改")
    old = submitted(world, old, client)  # the school reports before the supervisor submits the checklist
    visit_services.checklist_submit(checklist=visit.checklist, user=world["sup_a1"].user)
    old = fresh(old)
    assert old.status == TicketStatus.SUBMITTED
    assert "请针对最新报告复查后销号" in old.events.last().note


def test_the_school_sees_the_photos_of_the_checklist_item_through_the_checked_photo_view(client, world):
    sup = world["sup_a1"].user
    visit = f.visit_filled(user=sup, school=world["schools"]["a1"], problems=1, submit=False)
    answer = visit.checklist.answers.get(problems__isnull=False)
    photo = visit_services.photo_add(answer=answer, user=sup, upload=upload("现场.jpg", image_bytes("JPEG"), "image/jpeg"))
    for other in visit.checklist.answers.filter(conclusion=""):
        visit_services.answer_save(answer=other, user=sup, conclusion="ok")
    visit_services.checklist_submit(checklist=visit.checklist, user=sup)
    ticket = Ticket.objects.get()
    body = school(client, world).get(url("ticket_detail", ticket.pk)).content.decode()
    assert body.count(url("photo", photo.pk)) == 2  # the thumbnail and its link
    assert client.get(url("photo", photo.pk)).status_code == 200
    as_user(client, f.school_user(world["schools"]["a2"]))
    assert client.get(url("photo", photo.pk)).status_code == 404


def test_a_supervisors_workspace_opens_on_the_reports_waiting_for_a_recheck(client, world, ticket):
    submitted(world, ticket, client)
    make_ticket(world)
    page = supervisor(client, world).get(url("ticket_list"))
    assert page.context["tab"] == TicketStatus.SUBMITTED and [t.pk for t in page.context["tickets"]] == [ticket.pk]
    assert world["schools"]["a1"].name in page.content.decode()  # supervisors see which school


def test_a_malformed_date_is_refused_and_nothing_is_recorded(client, world, ticket):
    ticket = submitted(world, ticket, client)
    response = supervisor(client, world).post(url("ticket_recheck", ticket.pk), {
        "version": ticket.version, "mode": "evidence", "result": "rectified", "date": "2026-13-45", "notes": "材料齐全"})
    assert response.status_code == 400 and "材料齐全</textarea>" in response.content.decode()
    assert not Recheck.objects.exists() and fresh(ticket).status == TicketStatus.SUBMITTED


def test_a_supervisor_invited_to_a_joint_visit_cannot_close_a_ticket_of_a_school_not_theirs(client, world):
    """Measured: the visit page's re-check let a supervisor invited to a joint visit (or on a special
    visit elsewhere) close a ticket the API refused him. The page and the API now decide alike."""
    old = last_month(world)
    lead, guest = world["sup_a1"].user, world["sup_a2"].user
    visit = visit_services.visit_start(user=lead, school=old.school, date=timezone.localdate(), methods=["campus_walk"],
                                       co_supervisors=[world["sup_a2"]])
    client.force_login(guest)
    page = client.post(url("recheck_save", visit.pk, old.problem_id), {"result": RecheckResult.RECTIFIED, "notes": "已整改"},
                       HTTP_ACCEPT="application/json")
    assert page.status_code == 400 and "只有该校的责任督学可以复查" in page.json()["error"]
    api = client.post(f"/api/v1/tickets/{old.pk}/recheck/", {"result": RecheckResult.RECTIFIED, "mode": "on_site", "notes": "已整改"},
                      content_type="application/json")
    assert api.status_code in (403, 404)
    assert not Recheck.objects.filter(problem=old.problem).exists()
    for answer in visit.checklist.answers.all():
        visit_services.answer_save(answer=answer, user=lead, conclusion="ok")
    visit_services.checklist_submit(checklist=visit.checklist, user=lead)
    assert fresh(old).status == TicketStatus.OPEN


def test_the_ticket_history_shows_addresses_to_the_offices_admin_only(client, world):
    """Measured: the ticket history showed actors' IP addresses to school contacts."""
    ticket = make_ticket(world)
    ticket_services.ticket_event_record(ticket, TicketAction.RECHECKED, actor=world["sup_a1"].user, ip="10.9.8.7", note="现场查看")
    for who in ("school_user_a1", "sup_a1", "director_a", "city_viewer"):
        user = world[who].user if who == "sup_a1" else world[who]
        client.force_login(user)
        body = client.get(url("ticket_detail", ticket.pk)).content.decode()
        assert "现场查看" in body, who
        assert "10.9.8.7" not in body, who
    client.force_login(world["admin_a"])
    assert "10.9.8.7" in client.get(url("ticket_detail", ticket.pk)).content.decode()
