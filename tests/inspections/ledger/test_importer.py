"""An office brings its past years the way it has them: the ledger's own Excel (台账导入), all or nothing,
each fact on its real day; export → edit → import gives the same ledger back."""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from inspections.visits import services
from inspections.ledger import importer as ledger_import
from inspections.tickets import services as ticket_services
from inspections.tickets import rules as rectification
from inspections.models.choices import Conclusion, RecheckResult, TicketAction, TicketStatus
from inspections.models import Notification, Problem, Ticket, TicketEvent, Visit
from supervision import access
from supervision.choices import Role
from tests import factories as f
from tests.api_support import api_as

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-18 09:30")]
LEDGER = reverse("inspections:ledger")
EXPORT = reverse("inspections:ledger_export")
IMPORT = reverse("inspections:ledger_import")
API = "/api/v1/tickets/import/"
HEADER_ROW = 3
NUMBER = 14  # the 编号 column (0-based in a row of values)


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 90)).save(buffer, format="JPEG")
    return SimpleUploadedFile("整改照片.jpg", buffer.getvalue(), content_type="image/jpeg")


def past_visit(world, school, day, supervisors, problems):
    """A past visit entered by hand by the admin (补录): ``problems`` = [(code, description, deadline)]."""
    admin = world["admin_a"]
    visit = services.visit_start(user=admin, school=school, date=day, methods=["campus_walk"], co_supervisors=supervisors)
    answers = {a.code: a for a in visit.checklist.answers.all()}
    for code, description, deadline in problems:
        services.problem_add(answer=answers[code], user=admin, description=description, opinion="限期整改",
                             deadline=deadline)
    for answer in answers.values():
        if answer.code not in {c for c, _d, _l in problems}:
            services.answer_save(answer=answer, user=admin, conclusion=Conclusion.OK)
    services.checklist_submit(checklist=visit.checklist, user=admin)
    return {t.problem.description: t for t in Ticket.objects.filter(problem__visit=visit).select_related("problem")}


@pytest.fixture
def past_ledger(world):
    """County A's 2025 as its staff entered it by hand: closed after a report, closed on site, in
    progress, open past its deadline, across zones and a kindergarten outside any zone."""
    admin, s = world["admin_a"], world["schools"]
    april = past_visit(world, s["a1"], dt.date(2025, 4, 8), [world["sup_a1"], world["sup_a2"]],
                       [("S6", "消防通道堵塞", dt.date(2025, 5, 8)), ("S7", "食堂留样不全", dt.date(2025, 5, 8))])
    september = past_visit(world, s["a3"], dt.date(2025, 9, 10), [world["sup_a2"]],
                           [("S1", "制度未上墙", dt.date(2025, 10, 10))])
    october = past_visit(world, s["a4"], dt.date(2025, 10, 15), [world["sup_a1"]],
                         [("K2", "小学化倾向", dt.date(2025, 11, 15))])
    blocked = april["消防通道堵塞"]
    ticket_services.evidence_add(ticket=blocked, actor=admin, upload=jpeg())
    ticket_services.ticket_report_submit(ticket=Ticket.objects.get(pk=blocked.pk), actor=admin, text="已清理",
                                         on=dt.date(2025, 5, 2))
    ticket_services.ticket_recheck(ticket=Ticket.objects.get(pk=blocked.pk), actor=admin,
                                   result=RecheckResult.RECTIFIED, date=dt.date(2025, 5, 12))
    ticket_services.ticket_start(ticket=april["食堂留样不全"], actor=admin, on=dt.date(2025, 4, 8))
    ticket_services.ticket_recheck(ticket=october["小学化倾向"], actor=admin, result=RecheckResult.RECTIFIED,
                                   mode="on_site", date=dt.date(2025, 10, 30))
    return {**april, **september, **october}


def export_rows(client, user) -> list[tuple]:
    client.force_login(user)
    response = client.get(EXPORT)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [row for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


def exported_workbook(client, user):
    client.force_login(user)
    return load_workbook(io.BytesIO(b"".join(client.get(EXPORT).streaming_content)))


def xlsx(workbook) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("台账.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def row_of(sheet, description) -> int:
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        if row[5].value == description:
            return row[0].row
    raise AssertionError(description)


COLUMNS = ["发现日期", "学校", "责任区", "类型", "督导事项", "问题描述", "严重程度", "整改意见", "整改期限", "状态", "逾期天数",
           "销号日期", "督学", "整改报告日期", "编号"]


def column(name) -> int:
    """The Excel column (1-based) of a header of the export."""
    return COLUMNS.index(name) + 1


def empty_the_office(office) -> None:
    """The office's ledger gone (its roster stays): the office that brings its past in."""
    Ticket.objects.filter(office=office).delete()
    Problem.objects.filter(office=office).delete()
    Visit.objects.filter(office=office).delete()


def counts() -> tuple[int, int, int, int]:
    return Visit.objects.count(), Problem.objects.count(), Ticket.objects.count(), TicketEvent.objects.count()


# --- Export → import gives the same ledger back -------------------------------------------------------


def test_the_export_imported_into_an_empty_office_gives_the_same_ledger_back(client, world, past_ledger):
    admin = world["admin_a"]
    before = export_rows(client, admin)
    assert len(before) == 4
    workbook = exported_workbook(client, admin)
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        row[NUMBER].value = None  # into another office's empty ledger: every row is new
    empty_the_office(world["county_a"])
    assert export_rows(client, admin) == []
    response = client.post(IMPORT, {"office": world["county_a"].pk, "file": xlsx(workbook), "dry_run": "0"})
    assert response.status_code == 200, response.content.decode()
    assert "新增 4 条、更新 0 条、未变 0 条(新建入校督导 3 次)" in response.content.decode()
    after = export_rows(client, admin)
    strip = lambda rows: sorted(tuple(r[:NUMBER]) for r in rows)  # the new tickets' numbers differ
    assert strip(after) == strip(before)
    # Entered as 补录 by the admin, for the supervisors who made the visits, with the real days.
    visit = Visit.objects.get(school=world["schools"]["a1"], date=dt.date(2025, 4, 8))
    assert (visit.created_by, visit.entered_by, visit.zone) == (world["sup_a1"], admin, world["zone_a1"])
    assert set(visit.supervisors.all()) == {world["sup_a1"], world["sup_a2"]}
    closed = Ticket.objects.get(problem__description="消防通道堵塞")
    changes = closed.events.exclude(to_status="").order_by("occurred_on", "at")
    assert [(e.to_status, e.occurred_on) for e in changes] == [
        (TicketStatus.OPEN, dt.date(2025, 4, 8)), (TicketStatus.SUBMITTED, dt.date(2025, 5, 2)),
        (TicketStatus.CLOSED, dt.date(2025, 5, 12)),
    ]
    assert closed.closed_at.date() == dt.date(2026, 11, 18)  # recorded today, happened then


def test_bringing_the_past_in_does_not_tell_the_school_of_problems_it_has_long_known(client, world, past_ledger):
    admin, school = world["admin_a"], world["schools"]["a1"]
    workbook = exported_workbook(client, admin)
    for row in workbook.active.iter_rows(min_row=HEADER_ROW + 1):
        row[NUMBER].value = None
    empty_the_office(world["county_a"])
    Notification.objects.all().delete()
    response = client.post(IMPORT, {"office": world["county_a"].pk, "file": xlsx(workbook), "dry_run": "0"})
    assert response.status_code == 200, response.content.decode()
    assert Ticket.objects.filter(school=school).exists()
    assert not Notification.objects.filter(user__in=access.school_users_of(school)).exists()
    # A visit entered by hand still tells the school at once.
    f.visit_filled(user=world["sup_a1"].user, school=school, problems=1)
    assert Notification.objects.filter(user__in=access.school_users_of(school)).exists()


def test_the_figures_count_the_imported_past_by_its_real_dates(client, world, past_ledger):
    workbook = exported_workbook(client, world["admin_a"])
    for row in workbook.active.iter_rows(min_row=HEADER_ROW + 1):
        row[NUMBER].value = None
    empty_the_office(world["county_a"])
    ledger_import.ledger_import(office=world["county_a"], file=xlsx(workbook), user=world["admin_a"])
    tickets = Ticket.objects.filter(office=world["county_a"])
    end_2025, may_10 = dt.date(2025, 12, 31), dt.date(2025, 5, 10)
    described = lambda q: set(tickets.filter(q).values_list("problem__description", flat=True))
    # 消防通道堵塞 closed 12 May after a 8 May deadline: overdue open on 10 May, closed late by the year's end.
    assert described(rectification.overdue_open(may_10)) == {"消防通道堵塞", "食堂留样不全"}
    assert described(rectification.closed_late(end_2025)) == {"消防通道堵塞"}
    assert described(rectification.closed_on_time(end_2025)) == {"小学化倾向"}
    assert described(rectification.overdue_open(end_2025)) == {"食堂留样不全", "制度未上墙"}
    blocked = tickets.get(problem__description="消防通道堵塞")
    assert rectification.statuses_on([blocked.pk], dt.date(2025, 5, 5)) == {blocked.pk: TicketStatus.SUBMITTED}
    assert not tickets.filter(rectification.closed_by(dt.date(2025, 5, 11))).exists()


# --- Re-import updates instead of duplicating ---------------------------------------------------------


def test_an_edited_outcome_reimported_updates_the_ticket_and_adds_nothing(client, world, past_ledger):
    admin = world["admin_a"]
    workbook = exported_workbook(client, admin)
    sheet = workbook.active
    line = row_of(sheet, "食堂留样不全")
    sheet.cell(line, column("状态")).value = "已销号"
    sheet.cell(line, column("销号日期")).value = dt.datetime(2025, 5, 20)
    before = Ticket.objects.count(), Visit.objects.count()
    summary = ledger_import.ledger_import(office=world["county_a"], file=xlsx(workbook), user=admin)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 3)
    assert (Ticket.objects.count(), Visit.objects.count()) == before
    ticket = Ticket.objects.get(pk=past_ledger["食堂留样不全"].pk)
    assert (ticket.status, ticket.closed_on) == (TicketStatus.CLOSED, dt.date(2025, 5, 20))
    assert ticket.events.get(action=TicketAction.CLOSED).occurred_on == dt.date(2025, 5, 20)
    # The same file again changes nothing.
    again = ledger_import.ledger_import(office=world["county_a"], file=xlsx(workbook), user=admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_a_reimport_may_not_change_what_was_found_nor_move_a_ticket_back(client, world, past_ledger):
    workbook = exported_workbook(client, world["admin_a"])
    sheet = workbook.active
    sheet.cell(row_of(sheet, "制度未上墙"), column("问题描述")).value = "改过的描述"
    sheet.cell(row_of(sheet, "小学化倾向"), column("状态")).value = "整改中"
    sheet.cell(row_of(sheet, "小学化倾向"), column("销号日期")).value = None
    before = counts()
    with pytest.raises(ledger_import.LedgerImportError) as exc:
        ledger_import.ledger_import(office=world["county_a"], file=xlsx(workbook), user=world["admin_a"])
    text = "\n".join(exc.value.messages)
    assert "“问题描述”列:编号" in text and "不能通过导入修改" in text
    assert "已是“已销号”,不能改回“整改中”" in text
    assert counts() == before


# --- Bad input: a clear Chinese error naming the record and the dates, and nothing written -------------


def test_a_row_whose_school_was_not_in_the_named_zone_that_day_is_refused_and_nothing_is_written(client, world, past_ledger):
    admin = world["admin_a"]
    workbook = exported_workbook(client, admin)
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        row[NUMBER].value = None
    line = row_of(sheet, "制度未上墙")  # 三源浦镇中心小学 was in 乡镇第一责任区 on 2025-09-10
    sheet.cell(line, column("责任区")).value = "城区第一责任区"
    sheet.cell(line, column("督学")).value = "李督学、王督学"
    empty_the_office(world["county_a"])
    before = counts()
    client.force_login(admin)
    response = client.post(IMPORT, {"office": world["county_a"].pk, "file": xlsx(workbook), "dry_run": "0"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "文件有 1 处问题,未导入任何数据。" in body
    assert f"第 {line} 行" in body
    assert "学校“三源浦镇中心小学”在 2025-09-10 不属于责任区“城区第一责任区”(该日属于“乡镇第一责任区”)" in body
    assert 'data-testid="ledger-import-form"' in body and f'value="{world["county_a"].pk}"' in body
    assert counts() == before == (0, 0, 0, 0)


def test_the_zone_of_the_day_is_the_dated_roster_s_a_school_moved_since_counts_where_it_was(client, world, past_ledger):
    """三源浦镇中心小学 moved to 城区第一责任区 this year: its 2025 row still names 乡镇第一责任区."""
    workbook = exported_workbook(client, world["admin_a"])
    f.school_moved(world["schools"]["a3"], world["zone_a1"], on=dt.date(2026, 3, 1))
    summary = ledger_import.ledger_import(office=world["county_a"], file=xlsx(workbook), user=world["admin_a"])
    assert (summary.updated, summary.unchanged) == (0, 4)
    sheet = workbook.active
    sheet.cell(row_of(sheet, "制度未上墙"), column("编号")).value = None
    sheet.cell(row_of(sheet, "制度未上墙"), column("发现日期")).value = dt.datetime(2026, 4, 1)
    sheet.cell(row_of(sheet, "制度未上墙"), column("整改期限")).value = dt.datetime(2026, 5, 1)
    with pytest.raises(ledger_import.LedgerImportError, match="在 2026-04-01 不属于责任区“乡镇第一责任区”"
                                                              r"\(该日属于“城区第一责任区”\)"):
        ledger_import.ledger_import(office=world["county_a"], file=xlsx(workbook), user=world["admin_a"])


def test_a_future_date_an_act_before_what_it_acts_on_and_unknown_names_are_all_reported_at_once(client, world, past_ledger):
    workbook = exported_workbook(client, world["admin_a"])
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        row[NUMBER].value = None
    lines = {d: row_of(sheet, d) for d in ("消防通道堵塞", "食堂留样不全", "制度未上墙", "小学化倾向")}
    sheet.cell(lines["消防通道堵塞"], column("销号日期")).value = dt.datetime(2025, 4, 30)  # before its report (5-02)
    sheet.cell(lines["食堂留样不全"], column("发现日期")).value = dt.datetime(2026, 12, 1)  # the future
    sheet.cell(lines["制度未上墙"], column("学校")).value = "不存在的学校"
    sheet.cell(lines["小学化倾向"], column("督学")).value = "张督学"
    empty_the_office(world["county_a"])
    with pytest.raises(ledger_import.LedgerImportError) as exc:
        ledger_import.ledger_import(office=world["county_a"], file=xlsx(workbook), user=world["admin_a"])
    messages = exc.value.messages
    assert f"第 {lines['消防通道堵塞']} 行“销号日期”列:销号日期 2025-04-30 早于整改报告日期 2025-05-02" in messages
    assert (f"第 {lines['食堂留样不全']} 行“发现日期”列:日期 2026-12-01 晚于今天(2026-11-18),不能导入未来的记录"
            in messages)
    assert f"第 {lines['制度未上墙']} 行“学校”列:本督导室名册中没有学校“不存在的学校”" in messages
    assert f"第 {lines['小学化倾向']} 行“督学”列:本督导室没有督学“张督学”" in messages
    assert counts() == (0, 0, 0, 0)


def test_a_report_before_the_visit_is_refused(client, world, past_ledger):
    workbook = exported_workbook(client, world["admin_a"])
    sheet = workbook.active
    line = row_of(sheet, "消防通道堵塞")
    sheet.cell(line, column("编号")).value = None
    sheet.cell(line, column("整改报告日期")).value = dt.datetime(2025, 4, 1)
    sheet.cell(line, column("销号日期")).value = dt.datetime(2025, 4, 2)
    before = counts()
    with pytest.raises(ledger_import.LedgerImportError, match="整改报告日期 2025-04-01 早于发现日期 2025-04-08"):
        ledger_import.ledger_import(office=world["county_a"], file=xlsx(workbook), user=world["admin_a"])
    assert counts() == before


def test_a_row_a_service_refuses_rolls_back_the_rows_already_written(client, world, past_ledger):
    """An item not on that year's checklist is found only when the visit is written: the visits written
    before it are rolled back too."""
    workbook = exported_workbook(client, world["admin_a"])
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        row[NUMBER].value = None
    line = row_of(sheet, "小学化倾向")
    sheet.cell(line, column("督导事项")).value = "S9 不存在的事项"
    empty_the_office(world["county_a"])
    with pytest.raises(ledger_import.LedgerImportError, match=rf"第 {line} 行“督导事项”列:督导事项“S9”不在 2025 年"):
        ledger_import.ledger_import(office=world["county_a"], file=xlsx(workbook), user=world["admin_a"])
    assert counts() == (0, 0, 0, 0)


def test_a_file_that_is_not_the_ledgers_layout_is_refused(world):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Sheet1"
    with pytest.raises(ledger_import.LedgerImportError, match="没有工作表“问题整改台账”"):
        ledger_import.ledger_import(office=world["county_a"], file=xlsx(workbook), user=world["admin_a"])


def test_checking_only_counts_and_writes_nothing(client, world, past_ledger):
    workbook = exported_workbook(client, world["admin_a"])
    for row in workbook.active.iter_rows(min_row=HEADER_ROW + 1):
        row[NUMBER].value = None
    empty_the_office(world["county_a"])
    response = client.post(IMPORT, {"office": world["county_a"].pk, "file": xlsx(workbook), "dry_run": "1"})
    assert response.status_code == 200
    assert "检查通过,尚未写入" in response.content.decode() and "新增 4 条" in response.content.decode()
    assert counts() == (0, 0, 0, 0)


# --- Who may import -------------------------------------------------------------------------------------


def test_the_ledger_links_to_the_import_only_for_buxu_holders(client, world):
    client.force_login(world["admin_a"])
    assert 'data-testid="ledger-import-link"' in client.get(LEDGER).content.decode()
    client.force_login(world["director_a"])
    assert 'data-testid="ledger-import-link"' not in client.get(LEDGER).content.decode()


@pytest.mark.parametrize("who", ["sup_a1", "director_a", "school_user_a1", "city_viewer"])
def test_users_without_buxu_get_404_on_the_page_and_403_from_the_api(client, world, past_ledger, who):
    user = getattr(world[who], "user", world[who])
    workbook = exported_workbook(client, world["admin_a"])
    client.force_login(user)
    assert client.get(IMPORT).status_code == 404
    assert client.post(IMPORT, {"file": xlsx(workbook)}).status_code == 404
    before = counts()
    response = api_as(world, who).post(API, {"file": xlsx(workbook)}, format="multipart")
    assert response.status_code == 403
    assert counts() == before


def test_another_offices_admin_cannot_import_into_this_office(client, world, past_ledger):
    workbook = exported_workbook(client, world["admin_a"])
    client.force_login(world["admin_b"])
    before = counts()
    assert client.post(IMPORT, {"office": world["county_a"].pk, "file": xlsx(workbook)}).status_code == 404
    response = api_as(world, "admin_b").post(API, {"office": world["county_a"].pk, "file": xlsx(workbook)},
                                             format="multipart")
    assert response.status_code == 404
    # Into their own office, county A's 编号 are not theirs, and county A's schools not in their roster.
    own = api_as(world, "admin_b").post(API, {"file": xlsx(workbook)}, format="multipart")
    assert own.status_code == 400
    assert any("不是本督导室台账中的记录" in e["message"] for e in own.json()["errors"])
    assert counts() == before


def test_buxu_granted_to_a_director_opens_the_import(client, world, past_ledger):
    from supervision.services import backfill_grant

    director = world["director_a"]
    backfill_grant(user=director, office=world["county_a"], granted=True)
    client.force_login(director)
    assert client.get(IMPORT).status_code == 200


def test_the_api_imports_and_reports_row_errors_in_chinese(client, world, past_ledger):
    workbook = exported_workbook(client, world["admin_a"])
    sheet = workbook.active
    line = row_of(sheet, "食堂留样不全")
    sheet.cell(line, column("状态")).value = "已提交整改报告"
    sheet.cell(line, column("整改报告日期")).value = dt.datetime(2025, 5, 6)
    api = api_as(world, "admin_a")
    bad = load_workbook(io.BytesIO(xlsx(workbook).read()))
    bad.active.cell(line, column("整改报告日期")).value = dt.datetime(2025, 4, 1)
    refused = api.post(API, {"file": xlsx(bad)}, format="multipart")
    assert refused.status_code == 400
    (error,) = refused.json()["errors"]
    assert error["row"] == line and error["column"] == "整改报告日期" and "早于发现日期 2025-04-08" in error["message"]
    response = api.post(API, {"file": xlsx(workbook)}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 0, "updated": 1, "unchanged": 3, "visits": 0, "dry_run": False}
    ticket = Ticket.objects.get(pk=past_ledger["食堂留样不全"].pk)
    assert ticket.status == TicketStatus.SUBMITTED and ticket.reports.get().submitted_on == dt.date(2025, 5, 6)


def test_a_supervisor_office_role_is_not_enough_the_service_itself_refuses(world):
    from django.core.exceptions import ValidationError
    from openpyxl import Workbook

    viewer = f.office_user(Role.VIEWER, world["county_a"])
    with pytest.raises(ValidationError, match="补录"):
        ledger_import.ledger_import(office=world["county_a"], file=xlsx(Workbook()), user=viewer)


def test_a_supervisor_holding_buxu_imports_visits_as_their_own_or_is_told(client, world, past_ledger):
    from supervision.services import backfill_grant

    workbook = exported_workbook(client, world["admin_a"])
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        row[NUMBER].value = None
    empty_the_office(world["county_a"])
    backfill_grant(user=world["sup_a2"].user, office=world["county_a"])
    with pytest.raises(ledger_import.LedgerImportError, match="您本人是督学"):
        ledger_import.ledger_import(office=world["county_a"], file=xlsx(workbook), user=world["sup_a2"].user)
    assert counts() == (0, 0, 0, 0)
