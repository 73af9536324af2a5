"""Indicator systems: the default kindergarten set, Excel import (atomic, row errors), editing, and
the lock once scoring starts."""
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from inspections.evaluations import services
from inspections.evaluations.choices import KINDERGARTEN_AREAS, SchemeKind, Stage
from inspections.evaluations.models import Indicator, Scheme

from .factories import kg_round, score_all

pytestmark = pytest.mark.django_db


def xlsx(rows, headers=("评估领域", "编码", "指标", "分值", "评分说明")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "指标.xlsx"
    return buf


def test_the_default_kindergarten_scheme_has_the_five_areas_and_totals_100(world):
    scheme = services.scheme_create(office=world["county_a"], year=2026, kind=SchemeKind.KINDERGARTEN, name="")
    indicators = list(scheme.indicators.all())
    assert {i.area for i in indicators} == set(KINDERGARTEN_AREAS)
    assert sum(i.max_points for i in indicators) == Decimal("100")
    assert all(i.guidance for i in indicators)


def test_admin_creates_a_scheme_on_the_page_and_sees_its_indicators(client, world):
    client.force_login(world["admin_a"])
    response = client.post(reverse("evaluations:scheme_create"), {
        "office": world["county_a"].pk, "year": 2026, "kind": SchemeKind.KINDERGARTEN, "name": "", "load_default": "on"})
    scheme = Scheme.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("evaluations:scheme_detail", args=[scheme.pk])).content.decode()
    assert "保育教育" in page and "杜绝小学化倾向" in page and "合计100分" in page


def test_an_excel_sheet_replaces_the_indicators(client, world):
    scheme = services.scheme_create(office=world["county_a"], year=2026, kind=SchemeKind.TARGET, name="考核")
    client.force_login(world["admin_a"])
    file = xlsx([("办学条件", "X1", "校舍安全", 40, "说明"), ("管理", "X2", "制度", 60, "")])
    response = client.post(reverse("evaluations:scheme_import", args=[scheme.pk]), {"file": file})
    assert response.status_code == 302
    assert list(scheme.indicators.values_list("code", "max_points")) == [("X1", Decimal("40")), ("X2", Decimal("60"))]


def test_a_bad_excel_row_refuses_the_whole_file_naming_the_row(client, world):
    scheme = services.scheme_create(office=world["county_a"], year=2026, kind=SchemeKind.TARGET, name="考核")
    before = list(scheme.indicators.values_list("code", flat=True))
    client.force_login(world["admin_a"])
    file = xlsx([("办学条件", "X1", "校舍安全", 40, ""), ("管理", "X1", "制度", "六十", ""), ("", "X3", "", 5, "")])
    response = client.post(reverse("evaluations:scheme_import", args=[scheme.pk]), {"file": file})
    page = response.content.decode()
    assert response.status_code == 400
    assert "第3行“分值”应为大于0的数" in page
    assert "第3行编码“X1”与第2行重复" in page
    assert "第4行“评估领域”不能为空" in page
    assert list(scheme.indicators.values_list("code", flat=True)) == before


def test_a_file_that_is_not_excel_is_refused_with_a_message(client, world):
    scheme = services.scheme_create(office=world["county_a"], year=2026, kind=SchemeKind.TARGET, name="考核")
    client.force_login(world["admin_a"])
    fake = io.BytesIO(b"MZ\x90\x00 not a workbook")
    fake.name = "指标.xlsx"
    response = client.post(reverse("evaluations:scheme_import", args=[scheme.pk]), {"file": fake})
    assert response.status_code == 400
    assert "不是有效的 Excel" in response.content.decode()
    assert scheme.indicators.count() == 5


def test_the_indicator_sheet_downloads_in_the_import_layout(client, world):
    scheme = services.scheme_create(office=world["county_a"], year=2026, kind=SchemeKind.KINDERGARTEN, name="")
    client.force_login(world["director_a"])
    response = client.get(reverse("evaluations:scheme_sheet", args=[scheme.pk]))
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == services.IMPORT_HEADERS
    assert len(rows) == 14 and sum(r[3] for r in rows[1:]) == 100


def test_admin_adds_and_edits_an_indicator_before_scoring(client, world):
    scheme = services.scheme_create(office=world["county_a"], year=2026, kind=SchemeKind.KINDERGARTEN, name="")
    client.force_login(world["admin_a"])
    client.post(reverse("evaluations:indicator_add", args=[scheme.pk]),
                {"area": "内部管理", "code": "E3", "title": "家园共育", "max_points": "5", "guidance": ""})
    ind = Indicator.objects.get(scheme=scheme, code="E3")
    client.post(reverse("evaluations:indicator_edit", args=[scheme.pk, ind.pk]),
                {"area": "内部管理", "code": "E3", "title": "家园共育与社区合作", "max_points": "6", "guidance": ""})
    ind.refresh_from_db()
    assert (ind.title, ind.max_points) == ("家园共育与社区合作", Decimal("6"))


def test_editing_a_scheme_after_scoring_started_is_refused_and_keeps_the_form(client, world):
    rnd = kg_round(world)
    entry = rnd.entries.first()
    score_all(entry, Stage.COUNTY, world["admin_a"])
    ind = Indicator.objects.get(scheme=rnd.scheme, code="C3")
    client.force_login(world["admin_a"])
    response = client.post(reverse("evaluations:indicator_edit", args=[rnd.scheme.pk, ind.pk]),
                           {"area": "保育教育", "code": "C3", "title": "改过的名字", "max_points": "12", "guidance": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "指标体系已锁定" in page
    assert "改过的名字" in page  # what the admin typed is still in the form
    ind.refresh_from_db()
    assert (ind.title, ind.max_points) == ("杜绝小学化倾向", Decimal("10"))
    # Delete and import are refused too; no indicator is lost.
    client.post(reverse("evaluations:indicator_delete", args=[rnd.scheme.pk, ind.pk]))
    response = client.post(reverse("evaluations:scheme_import", args=[rnd.scheme.pk]),
                           {"file": xlsx([("a", "Z1", "b", 100, "")])})
    assert "指标体系已锁定" in response.content.decode()
    assert rnd.scheme.indicators.count() == 13


def test_thresholds_may_still_change_after_scoring_and_must_be_ordered(client, world):
    rnd = kg_round(world)
    score_all(rnd.entries.first(), Stage.COUNTY, world["admin_a"])
    client.force_login(world["admin_a"])
    url = reverse("evaluations:scheme_edit", args=[rnd.scheme.pk])
    bad = client.post(url, {"name": "指标", "excellent_min": "70", "good_min": "80", "pass_min": "60", "weak_share": "0.6"})
    assert bad.status_code == 400 and "合格 ≤ 良好 ≤ 优秀" in bad.content.decode()
    ok = client.post(url, {"name": "指标", "excellent_min": "92", "good_min": "80", "pass_min": "60", "weak_share": "0.5"})
    assert ok.status_code == 302
    assert Scheme.objects.get(pk=rnd.scheme.pk).excellent_min == Decimal("92")


def test_a_director_reads_a_scheme_but_may_not_edit_it(client, world):
    scheme = services.scheme_create(office=world["county_a"], year=2026, kind=SchemeKind.KINDERGARTEN, name="")
    client.force_login(world["director_a"])
    assert client.get(reverse("evaluations:scheme_detail", args=[scheme.pk])).status_code == 200
    assert client.post(reverse("evaluations:indicator_add", args=[scheme.pk]), {}).status_code == 404


def test_another_county_cannot_open_the_scheme(client, world):
    scheme = services.scheme_create(office=world["county_a"], year=2026, kind=SchemeKind.KINDERGARTEN, name="")
    client.force_login(world["admin_b"])
    assert client.get(reverse("evaluations:scheme_detail", args=[scheme.pk])).status_code == 404
    assert client.get(reverse("evaluations:scheme_sheet", args=[scheme.pk])).status_code == 404
