"""Assessments of schools (目标管理考核, "a类校" acceptance): ranking, pass/fail against the mark,
results per zone, the Excel export, the API and the year-end sentence."""
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inspections.evaluations import selectors
from inspections.evaluations.choices import SchemeKind, Stage
from inspections.evaluations.contributions import evaluations_contribution
from tests import factories as f

from .factories import assessment_round, kg_round, kindergartens, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(world):
    s = world["schools"]
    rnd = assessment_round(world, [s["a1"], s["a2"], s["a3"]])
    entries = {e.school_id: e for e in rnd.entries.all()}
    score_all(entries[s["a1"].pk], Stage.COUNTY, world["admin_a"], share=Decimal("0.9"))
    score_all(entries[s["a2"].pk], Stage.COUNTY, world["admin_a"], share=Decimal("0.9"))
    score_all(entries[s["a3"].pk], Stage.COUNTY, world["admin_a"], share=Decimal("0.5"))
    return rnd


def test_schools_are_ranked_by_total_with_ties_sharing_a_rank_and_pass_against_the_mark(world, target):
    results = selectors.round_results(target)
    by_name = {r.entry.school.name: r for r in results.rows}
    first, second, third = by_name["柳河县第一小学"], by_name["柳河县第二中学"], by_name["三源浦镇中心小学"]
    assert first.final_total == second.final_total == Decimal("90")
    assert (first.rank, second.rank, third.rank) == (1, 1, 3)
    assert first.passed and second.passed and third.passed is False
    assert results.passed_count == 2 and results.pass_rate == pytest.approx(66.7)
    assert results.average == Decimal("76.7")


def test_an_acceptance_check_passes_only_at_its_higher_mark(world):
    s = world["schools"]
    rnd = assessment_round(world, [s["a1"], s["a2"]], kind=SchemeKind.ACCEPTANCE)
    assert rnd.scheme.pass_min == Decimal("85")
    e1, e2 = rnd.entries.order_by("school__code")
    score_all(e1, Stage.COUNTY, world["admin_a"], share=Decimal("0.9"))
    score_all(e2, Stage.COUNTY, world["admin_a"], share=Decimal("0.8"))
    passed = {r.entry.pk: r.passed for r in selectors.round_results(rnd).rows}
    assert passed == {e1.pk: True, e2.pk: False}
    contribution = evaluations_contribution(office=world["county_a"], year=2026)
    assert "评估验收2所学校,1所达到标准" in contribution.sentence


def test_results_per_zone_give_averages_and_pass_rates(world, target):
    zones = {z["zone"].name: z for z in selectors.round_results(target).zones}
    assert zones["城区第一责任区"]["average"] == Decimal("90.0") and zones["城区第一责任区"]["pass_rate"] == 100.0
    assert zones["乡镇第一责任区"]["passed"] == 0 and zones["乡镇第一责任区"]["pass_rate"] == 0.0


def test_the_excel_export_matches_the_results(client, world, target):
    client.force_login(world["director_a"])
    response = client.get(reverse("evaluations:round_export", args=[target.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb["评估结果"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert ws["A1"].value == target.name
    assert [r[1] for r in rows] == ["柳河县第一小学", "柳河县第二中学", "三源浦镇中心小学"]
    header = [c.value for c in ws[2]]
    total, rank, passed = header.index("县评总分"), header.index("名次"), header.index("是否达标")
    assert [(r[total], r[rank], r[passed]) for r in rows] == [(90, 1, "达标"), (90, 1, "达标"), (50, 3, "未达标")]
    zones = list(wb["按责任区"].iter_rows(min_row=2, values_only=True))
    assert zones[-1][0] == "合计" and zones[-1][4] == 2


def test_the_api_lists_assessments_with_ranked_results_in_scope(client, world, target):
    kg_round(world)
    client.force_login(world["director_a"])
    listed = client.get("/api/v1/assessments/").json()
    assert [r["name"] for r in listed["results"]] == [target.name]
    results = client.get(f"/api/v1/assessments/{target.pk}/results/").json()
    assert sorted((r["school_name"], r["rank"], r["passed"]) for r in results["rows"]) == [
        ("三源浦镇中心小学", 3, False), ("柳河县第一小学", 1, True), ("柳河县第二中学", 1, True)]
    assert len(client.get("/api/v1/evaluation-rounds/").json()["results"]) == 2
    client.force_login(world["admin_b"])
    assert client.get("/api/v1/assessments/").json()["results"] == []
    assert client.get(f"/api/v1/assessments/{target.pk}/results/").status_code == 404


def test_scores_posted_through_the_api_follow_the_same_rules(client, world):
    rnd = kg_round(world)
    entry = rnd.entries.get(school=world["schools"]["a4"])
    url = f"/api/v1/evaluation-entries/{entry.pk}/scores/"
    client.force_login(world["sup_a1"].user)
    bad = client.post(url, {"stage": "county", "points": {"A1": "9", "A2": "5"}}, content_type="application/json")
    assert bad.status_code == 400 and "得分应在0到8分之间" in bad.json()["points"]["A1"][0]
    ok = client.post(url, {"stage": "county", "points": {"A1": "7", "A2": "5"}}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["totals"]["county"] == 12.0
    assert client.post(url, {"stage": "self", "points": {"A1": "7"}}, content_type="application/json").status_code == 403
    kg_user = f.school_user(world["schools"]["a4"], username="kg")
    client.force_login(kg_user)
    assert client.post(url, {"stage": "self", "points": {"A1": "8"}}, content_type="application/json").status_code == 200
    other = rnd.entries.exclude(pk=entry.pk).first()
    assert client.get(f"/api/v1/evaluation-entries/{other.pk}/").status_code == 404
    assert [e["id"] for e in client.get("/api/v1/evaluation-entries/").json()["results"]] == [entry.pk]
    client.force_login(world["admin_b"])
    assert client.post(url, {"stage": "county", "points": {}}, content_type="application/json").status_code == 404


def test_api_lists_run_a_constant_number_of_queries(client, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["director_a"])
    rnd = kg_round(world, kindergartens(world, 2))
    for e in rnd.entries.all():
        score_all(e, Stage.COUNTY, world["admin_a"])
    urls = ["/api/v1/evaluation-rounds/", "/api/v1/evaluation-entries/", "/api/v1/evaluation-schemes/",
            f"/api/v1/evaluation-rounds/{rnd.pk}/results/"]
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    more = [f.SchoolFactory(office=world["county_a"], kind="kindergarten") for _ in range(6)]
    rnd2 = kg_round(world, more, name="第二轮")
    for e in rnd2.entries.all():
        score_all(e, Stage.COUNTY, world["admin_a"])
    assessment_round(world, [world["schools"]["a1"]])
    counts[f"/api/v1/evaluation-rounds/{rnd2.pk}/results/"] = counts.pop(f"/api/v1/evaluation-rounds/{rnd.pk}/results/")
    for url, n in counts.items():
        with django_assert_num_queries(n):
            client.get(url)


def test_the_year_end_sentence_counts_the_kindergartens_their_average_and_levels(world):
    rnd = kg_round(world)
    a4, k1, k2 = rnd.entries.order_by("school__code")
    score_all(a4, Stage.COUNTY, world["admin_a"], share=Decimal("0.95"))
    score_all(k1, Stage.COUNTY, world["admin_a"], share=Decimal("0.85"))
    score_all(k2, Stage.COUNTY, world["admin_a"], share=Decimal("0.5"))
    figures = selectors.year_figures(office=world["county_a"], year=2026)
    totals = [r.final_total for r in selectors.round_results(rnd).rows]
    expected_avg = (sum(totals) / 3).quantize(Decimal("0.1"))
    contribution = evaluations_contribution(office=world["county_a"], year=2026)
    assert contribution.figures["kindergartens"] == 3
    assert contribution.figures["county_average"] == float(expected_avg)
    assert contribution.sentence.startswith(f"组织3所幼儿园开展办园行为督导评估,县级实地督评平均得分{expected_avg:f}".rstrip("0").rstrip("."))
    assert "优秀1所" in contribution.sentence and "不合格1所" in contribution.sentence
    assert figures["weak"] >= 1
    assert evaluations_contribution(office=world["county_b"], year=2026) is None
    assert evaluations_contribution(office=world["county_a"], year=2025) is None
