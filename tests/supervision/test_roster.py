"""Roster import/export (名册导入导出): the office admin's Excel round trip, opened with openpyxl."""
import io
import re
import zipfile
from html import unescape
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from schools.models import School
from supervision import access
from supervision.choices import Role
from supervision.models import Supervisor, ZoneAssignment
from supervision.roster import roster_import
from supervision.services import role_grant, zone_set_supervisors

from .. import factories as f

pytestmark = pytest.mark.django_db
User = get_user_model()

SCHOOL_HEADERS = ["学校标识码", "名称", "类型", "办学性质", "城乡分类", "责任区", "地址", "校长/园长", "联系电话", "在办"]
SUPERVISOR_HEADERS = ["手机号", "姓名", "类别", "工作单位", "职务/职称", "督导职责", "责任区", "组长", "在岗"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(schools=(), supervisors=(), *, school_headers=SCHOOL_HEADERS, supervisor_headers=SUPERVISOR_HEADERS):
    """A roster workbook as an admin would upload it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "学校"
    for values in [school_headers, *schools]:
        sheet.append(values)
    if supervisor_headers is not None:
        sheet = workbook.create_sheet("督学")
        for values in [supervisor_headers, *supervisors]:
            sheet.append(values)
    return upload(workbook)


def upload(workbook, name="名册.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def post_roster(client, user, file, **data):
    client.force_login(user)
    return client.post(reverse("roster_import"), {"file": file, **data}, follow=True)


def error_rows(response) -> list[tuple[str, ...]]:
    """The error table as the admin reads it: (工作表, 行号, 列, 原因) per bad cell."""
    html = response.content.decode()
    rows = re.findall(r'<tr data-testid="roster-error">(.*?)</tr>', html, re.S)
    return [
        tuple(unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
        for row in rows
    ]


def sheet_rows(workbook, title):
    return [list(row) for row in workbook[title].iter_rows(min_row=2, values_only=True)]


def dropdown(workbook, sheet_title, header):
    """The values offered by the list validation on a column (resolved through the hidden sheet)."""
    sheet = workbook[sheet_title]
    letter = next(c.column_letter for c in sheet[1] if c.value == header)
    validation = next(v for v in sheet.data_validations.dataValidation if str(v.sqref).startswith(f"{letter}2:"))
    source, cells = validation.formula1.split("!")
    return [c.value for (c,) in workbook[source.strip("'")][cells.replace("$", "")]]


def zone_members(zone):
    """Who is in the zone today (their open assignments), and who leads it."""
    assignments = ZoneAssignment.objects.current().filter(zone=zone).select_related("supervisor")
    return {(a.supervisor.name, a.is_lead) for a in assignments}


def test_template_has_both_sheets_with_chinese_headers_dropdowns_and_no_data(client, world):
    client.force_login(world["admin_a"])
    response = client.get(reverse("roster_template"))

    assert response.status_code == 200
    assert f"filename*=utf-8''{quote('督导室名册模板.xlsx')}" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in workbook["学校"][1]] == SCHOOL_HEADERS
    assert [c.value for c in workbook["督学"][1]] == SUPERVISOR_HEADERS
    assert workbook["学校"].max_row == 1 and workbook["督学"].max_row == 1  # the notes are comments, not rows
    assert "10位数字" in workbook["学校"]["A1"].comment.text
    assert workbook["学校"].freeze_panes == "A2"
    assert workbook["学校"].column_dimensions["B"].width >= 20
    assert "说明" in workbook.sheetnames
    assert dropdown(workbook, "学校", "类型") == [
        "小学", "初中", "九年一贯制", "十二年一贯制", "完全中学", "高中", "幼儿园", "成人文化技术学校", "校外培训机构"
    ]
    assert dropdown(workbook, "学校", "办学性质") == ["公办", "民办"]
    assert dropdown(workbook, "学校", "城乡分类") == ["城区", "镇区", "乡村"]
    assert dropdown(workbook, "督学", "类别") == ["专职督学", "兼职督学"]
    assert dropdown(workbook, "督学", "在岗") == ["是", "否"]
    # The zone dropdown offers this office's zones only.
    assert dropdown(workbook, "学校", "责任区") == ["乡镇第一责任区", "城区第一责任区"]


def test_good_file_imports_schools_and_supervisors_into_their_zones_with_the_lead(client, world):
    file = xlsx(
        schools=[
            [2122010001, " 柳河县第三小学 ", " 小学 ", "公办", "城区", "城区第一责任区", "柳河县人民路1号", "张校长", "0435-1234567", "是"],
            ["2122010002", "柳河县红石镇中心幼儿园", "幼儿园", "民办", "乡村", "乡镇第一责任区", None, None, 13900001111.0, "否"],
            [None] * 10,  # blank lines between rows are ignored
        ],
        supervisors=[
            [13912345678.0, "陈督学", "兼职督学", "柳河县第一中学", "副校长", "负责城区学校", "城区第一责任区、乡镇第一责任区", "是", "是"],
            [" 13912345679 ", "刘督学", "专职督学", None, None, None, "乡镇第一责任区", None, None],
        ],
    )
    response = post_roster(client, world["admin_a"], file)

    assert response.status_code == 200
    assert "学校新增 2 所、更新 0 所;督学新增 2 名、更新 0 名" in response.content.decode()
    primary = School.objects.get(code="2122010001")
    assert (primary.name, primary.kind, primary.current_zone, primary.phone) == (
        "柳河县第三小学", "primary", world["zone_a1"], "0435-1234567"
    )
    kindergarten = School.objects.get(code="2122010002")
    assert (kindergarten.office, kindergarten.ownership, kindergarten.location, kindergarten.is_active) == (
        world["county_a"], "private", "rural", False
    )
    assert kindergarten.phone == "13900001111"
    chen = Supervisor.objects.get(phone="13912345678")
    assert (chen.kind, chen.employer, chen.office) == ("part_time", "柳河县第一中学", world["county_a"])
    assert chen.user.username == "dx220524001" and Role.SUPERVISOR in access.user_roles(chen.user)
    # 陈 leads both zones; the supervisors already there stay.
    assert zone_members(world["zone_a1"]) == {("王督学", False), ("陈督学", True)}
    assert zone_members(world["zone_a2"]) == {("李督学", False), ("陈督学", True), ("刘督学", False)}
    assert "柳河县第一小学" in {s.name for s in access.schools_visible_to(chen.user)}


def test_reimporting_an_edited_export_updates_in_place(client, world):
    client.force_login(world["admin_a"])
    exported = load_workbook(io.BytesIO(b"".join(client.get(reverse("roster_export")).streaming_content)))
    for row in exported["学校"].iter_rows(min_row=2):
        if row[0].value == world["schools"]["a1"].code:
            row[1].value = "柳河县第一小学(新校区)"
    for row in exported["督学"].iter_rows(min_row=2):
        if row[1].value == "李督学":
            row[4].value = "退休校长"
    schools_before, supervisors_before = School.objects.count(), Supervisor.objects.count()
    members_before = (zone_members(world["zone_a1"]), zone_members(world["zone_a2"]))

    response = post_roster(client, world["admin_a"], upload(exported))

    assert "学校新增 0 所、更新 4 所;督学新增 0 名、更新 2 名" in response.content.decode()
    assert (School.objects.count(), Supervisor.objects.count()) == (schools_before, supervisors_before)
    assert School.objects.get(pk=world["schools"]["a1"].pk).name == "柳河县第一小学(新校区)"
    assert Supervisor.objects.get(pk=world["sup_a2"].pk).title == "退休校长"
    assert f.zone_today(world["schools"]["a4"]) is None
    assert (zone_members(world["zone_a1"]), zone_members(world["zone_a2"])) == members_before


def test_file_with_several_bad_rows_writes_nothing_and_lists_every_bad_row(client, world):
    schools_before, supervisors_before = School.objects.count(), Supervisor.objects.count()
    file = xlsx(
        schools=[
            ["2122010001", "好学校", "小学", "公办", "城区", None, None, None, None, None],
            ["2122010002", "坏类型学校", "小学校", "公办", "城区", None, None, None, None, None],
            ["21220", "短码学校", "小学", "公办", "城区", None, None, None, None, None],
            ["2122010001", "重复学校", "小学", "公办", "城区", None, None, None, None, None],
            ["2122010006", None, "初中", "公办", "城区", None, None, None, "12345", "也许"],
        ],
        supervisors=[
            ["1391234", "短号督学", "专职督学", None, None, None, None, None, None],
            ["13912340003", "好督学", "专职督学", None, None, None, "不存在的责任区", None, None],
        ],
    )
    response = post_roster(client, world["admin_a"], file)

    assert response.status_code == 400
    assert "文件有 8 处问题,未导入任何数据" in response.content.decode()
    rows = error_rows(response)
    assert [r[:3] for r in rows] == [
        ("学校", "第3行", "类型"),
        ("学校", "第4行", "学校标识码"),
        ("学校", "第5行", "学校标识码"),
        ("学校", "第6行", "名称"),
        ("学校", "第6行", "联系电话"),
        ("学校", "第6行", "在办"),
        ("督学", "第2行", "手机号"),
        ("督学", "第3行", "责任区"),
    ]
    reasons = [r[3] for r in rows]
    assert reasons[0].startswith("未知的学校类型“小学校”,应为:小学、初中")
    assert reasons[1].startswith("学校标识码应为10位数字")
    assert reasons[2] == "学校标识码在表中重复(第2行)"
    assert reasons[3] == "缺少必填项"
    assert reasons[5] == "应填“是”或“否”(现为“也许”)"
    assert reasons[6].startswith("手机号格式不正确")
    assert reasons[7] == "责任区“不存在的责任区”不存在,请先在责任区页面建立"
    # Not even the good rows were written.
    assert (School.objects.count(), Supervisor.objects.count()) == (schools_before, supervisors_before)
    assert not School.objects.filter(code="2122010001").exists()
    assert not User.objects.filter(username="13912340003").exists()


@pytest.mark.parametrize(
    "content",
    [
        "学校标识码,名称\n2122010001,某小学\n".encode("gbk"),
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,  # an old .xls saved under a new name
        "zip-without-a-workbook",
    ],
    ids=["csv", "pdf", "xls", "plain-zip"],
)
def test_a_file_that_is_not_an_xlsx_is_refused_with_a_clear_reason(client, world, content):
    if content == "zip-without-a-workbook":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "hello")
        content = buffer.getvalue()
    schools_before = School.objects.count()

    response = post_roster(client, world["admin_a"], SimpleUploadedFile("名册.xlsx", content))

    assert response.status_code == 400
    assert [r[3] for r in error_rows(response)] == [
        "文件不是有效的 Excel(.xlsx)文件。旧版 .xls 文件请在 Excel 中另存为 .xlsx 后上传。"
    ]
    assert School.objects.count() == schools_before


def test_wrong_headers_are_named_and_a_missing_sheet_is_reported(client, world):
    wrong = ["学校代码", "名称", "类型", "办学性质", "责任区", "地址", "校长/园长", "联系电话", "在办"]
    file = xlsx([["2122010001", "某小学", "小学", "公办", "", "", "", "", "是"]], school_headers=wrong, supervisor_headers=None)
    response = post_roster(client, world["admin_a"], file)

    assert response.status_code == 400
    assert error_rows(response) == [
        ("学校", "第1行", "—", "缺少表头:学校标识码、城乡分类。请使用本页下载的模板。"),
        ("督学", "—", "—", "文件中缺少工作表“督学”,请使用本页下载的模板。"),
    ]
    assert not School.objects.filter(code="2122010001").exists()


def test_a_file_with_headers_but_no_rows_is_refused(client, world):
    response = post_roster(client, world["admin_a"], xlsx())
    assert response.status_code == 400
    assert [r[3] for r in error_rows(response)] == ["文件中没有任何数据行:请从第2行起填写学校或督学。"]


def test_a_file_over_the_size_limit_is_refused(client, world, settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 1024
    file = xlsx([["2122010001", "某小学", "小学", "公办", "城区", None, None, None, None, None]])
    response = post_roster(client, world["admin_a"], file)
    assert response.status_code == 400
    assert error_rows(response)[0][3].startswith("文件大小超过上限")
    assert not School.objects.filter(code="2122010001").exists()


def test_a_school_code_registered_in_another_office_is_refused_and_left_untouched(client, world):
    neighbour = world["schools"]["b1"]
    file = xlsx([[neighbour.code, "抢来的学校", "小学", "公办", "城区", None, None, None, None, None]])

    response = post_roster(client, world["admin_a"], file)

    assert response.status_code == 400
    assert error_rows(response) == [("学校", "第2行", "学校标识码", "学校标识码已登记在其他督导室")]
    neighbour.refresh_from_db()
    assert (neighbour.office, neighbour.name) == (world["county_b"], "辉南县第一小学")


def test_a_zone_of_another_office_does_not_exist_for_this_office(client, world):
    file = xlsx(
        [["2122010001", "某小学", "小学", "公办", "城区", "辉南城区责任区", None, None, None, None]],
        [["13912340001", "某督学", "专职督学", None, None, None, "城区第一责任区,辉南城区责任区", None, None]],
    )
    response = post_roster(client, world["admin_a"], file)

    assert response.status_code == 400
    assert error_rows(response) == [
        ("学校", "第2行", "责任区", "责任区“辉南城区责任区”不存在,请先在责任区页面建立"),
        ("督学", "第2行", "责任区", "责任区“辉南城区责任区”不存在,请先在责任区页面建立"),
    ]
    assert zone_members(world["zone_b1"]) == {("赵督学", True)}


def test_a_phone_of_another_offices_supervisor_and_two_leads_for_one_zone_are_refused(client, world):
    file = xlsx(
        supervisors=[
            [world["sup_b1"].phone, "赵督学", "专职督学", None, None, None, None, None, None],
            ["13912340001", "甲督学", "专职督学", None, None, None, "城区第一责任区", "是", None],
            ["13912340002", "乙督学", "专职督学", None, None, None, "城区第一责任区", "是", None],
        ]
    )
    response = post_roster(client, world["admin_a"], file)

    assert response.status_code == 400
    assert error_rows(response) == [
        ("督学", "第2行", "手机号", "手机号已登记为其他督导室的督学"),
        ("督学", "第4行", "组长", "责任区“城区第一责任区”的组长已在第3行指定,每个责任区只能有一名组长"),
    ]
    assert world["sup_b1"].office == Supervisor.objects.get(phone=world["sup_b1"].phone).office


ROSTER_URLS = [("get", "roster"), ("get", "roster_template"), ("get", "roster_export"), ("post", "roster_import")]


def _hit(client, method, name, **params):
    if method == "get":
        return client.get(reverse(name), params)
    file = xlsx([["2122010001", "某小学", "小学", "公办", "城区", None, None, None, None, None]])
    return client.post(reverse(name), {"file": file, **params})


@pytest.mark.parametrize("who", ["director_a", "sup_a1", "school_user_a1", "city_viewer"])
@pytest.mark.parametrize(("method", "name"), ROSTER_URLS)
def test_only_office_admins_reach_the_roster(client, world, who, method, name):
    user = world[who].user if who == "sup_a1" else world[who]
    client.force_login(user)
    assert _hit(client, method, name).status_code == 404
    assert not School.objects.filter(code="2122010001").exists()


@pytest.mark.parametrize(("method", "name"), ROSTER_URLS)
def test_another_offices_admin_cannot_reach_this_offices_roster(client, world, method, name):
    client.force_login(world["admin_b"])
    assert _hit(client, method, name, office=world["county_a"].pk).status_code == 404
    assert not School.objects.filter(code="2122010001").exists()


def test_export_contains_exactly_the_admins_office(client, world):
    client.force_login(world["admin_a"])
    response = client.get(reverse("roster_export"))

    assert response.status_code == 200
    assert "filename*=utf-8''" + quote("柳河县人民政府教育督导室名册-") in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    schools = sheet_rows(workbook, "学校")
    assert sorted(r[1] for r in schools) == sorted(s.name for k, s in world["schools"].items() if k.startswith("a"))
    assert world["schools"]["b1"].code not in [r[0] for r in schools]
    first = next(r for r in schools if r[1] == "柳河县第一小学")
    assert first[2:6] == ["小学", "公办", "城区", "城区第一责任区"]
    supervisors = sheet_rows(workbook, "督学")
    assert sorted(r[1] for r in supervisors) == ["李督学", "王督学"]
    wang = next(r for r in supervisors if r[1] == "王督学")
    assert (wang[0], wang[6], wang[7], wang[8]) == (world["sup_a1"].phone, "城区第一责任区", "是", "是")


def test_export_runs_the_same_number_of_queries_for_a_larger_office(client, world, django_assert_num_queries):
    client.force_login(world["admin_a"])
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("roster_export"))
    for _ in range(15):
        f.SchoolFactory(office=world["county_a"], zone=world["zone_a1"])
        supervisor = f.SupervisorFactory(office=world["county_a"])
        ZoneAssignment.objects.create(zone=world["zone_a2"], supervisor=supervisor)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("roster_export"))
    assert len(sheet_rows(load_workbook(io.BytesIO(b"".join(response.streaming_content))), "学校")) == 19


def test_an_admin_of_one_office_sees_no_office_choice(client, world):
    client.force_login(world["admin_a"])
    html = client.get(reverse("roster")).content.decode()
    assert 'data-testid="office-choice"' not in html
    assert "导入到柳河县人民政府教育督导室" in html


def test_an_admin_of_two_offices_chooses_which_office_to_import_into(client, world):
    admin = world["admin_a"]
    role_grant(user=admin, role=Role.OFFICE_ADMIN, office=world["county_b"])
    client.force_login(admin)
    page = client.get(reverse("roster"), {"office": world["county_b"].pk}).content.decode()
    assert 'data-testid="office-choice"' in page and "导入到辉南县人民政府教育督导室" in page

    file = xlsx([["2122010001", "辉南县新建小学", "小学", "公办", "城区", "辉南城区责任区", None, None, None, None]])
    response = post_roster(client, admin, file, office=world["county_b"].pk)

    assert response.status_code == 200
    school = School.objects.get(code="2122010001")
    assert (school.office, school.current_zone) == (world["county_b"], world["zone_b1"])


def _export(client, user):
    client.force_login(user)
    return load_workbook(io.BytesIO(b"".join(client.get(reverse("roster_export")).streaming_content)))


def test_reimport_keeps_a_supervisor_who_leads_only_some_of_their_zones_as_they_were(client, world):
    zone_set_supervisors(zone=world["zone_a2"], supervisors=[world["sup_a2"], world["sup_a1"]], lead=world["sup_a2"])
    exported = _export(client, world["admin_a"])
    wang = next(r for r in sheet_rows(exported, "督学") if r[1] == "王督学")
    assert (wang[6], wang[7]) == ("乡镇第一责任区、城区第一责任区", "否")

    post_roster(client, world["admin_a"], upload(exported))

    assert zone_members(world["zone_a1"]) == {("王督学", True)}
    assert zone_members(world["zone_a2"]) == {("李督学", True), ("王督学", False)}


def test_a_supervisor_in_the_file_sits_in_exactly_the_zones_listed(client, world):
    exported = _export(client, world["admin_a"])
    for row in exported["督学"].iter_rows(min_row=2):
        if row[1].value == "李督学":
            row[6].value, row[7].value = "城区第一责任区", "否"

    response = post_roster(client, world["admin_a"], upload(exported))

    assert "调整了 2 个责任区的督学" in response.content.decode()
    assert zone_members(world["zone_a1"]) == {("王督学", True), ("李督学", False)}
    assert zone_members(world["zone_a2"]) == set()


def test_the_import_service_refuses_a_user_who_does_not_manage_the_office(world):
    file = xlsx([["2122010001", "某小学", "小学", "公办", "城区", None, None, None, None, None]])
    with pytest.raises(ValidationError):
        roster_import(office=world["county_a"], file=file, user=world["admin_b"])
    assert not School.objects.filter(code="2122010001").exists()
