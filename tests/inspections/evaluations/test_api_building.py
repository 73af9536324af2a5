"""/api/v1/evaluation-schemes/, evaluation-rounds/ and evaluation-entries/{id}/rectify/ writes: the
office's admins create a scheme (from the default or with their own indicators), edit it until
scoring locks it, organise a round with its schools, and turn weak results into rectification
tickets — as the evaluation pages allow; readers get 403, other offices 404."""
from decimal import Decimal

import pytest

from inspections.evaluations.choices import Stage
from inspections.evaluations.models import Round, Scheme
from inspections.models import Ticket
from tests import factories as f
from tests.api_support import api_as, token_login

from .factories import kg_round, kindergartens, score_all

pytestmark = pytest.mark.django_db

SCHEMES = "/api/v1/evaluation-schemes/"
ROUNDS = "/api/v1/evaluation-rounds/"
OWN = [
    {"area": "办学条件", "code": "X1", "title": "校舍安全", "max_points": "40"},
    {"area": "学校管理", "code": "X2", "title": "制度建设", "max_points": "60", "guidance": "制度健全"},
]


def test_admin_creates_a_kindergarten_scheme_from_the_default_indicators(world):
    response = api_as(world, "admin_a").post(
        SCHEMES, {"office": world["county_a"].pk, "year": 2026, "scheme_kind": "kindergarten"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["scheme_kind_label"]) == ("幼儿园办园行为督导评估", "幼儿园办园行为督导评估")
    assert len(body["indicators"]) == 13
    assert sum(Decimal(i["max_points"]) for i in body["indicators"]) == 100


def test_admin_creates_a_scheme_with_its_own_indicators(world):
    response = api_as(world, "admin_a").post(
        SCHEMES, {"office": world["county_a"].pk, "year": 2026, "scheme_kind": "target", "name": "2026年学校目标考核",
                  "indicators": OWN}, format="json")
    assert response.status_code == 201, response.content
    assert [(i["code"], i["max_points"]) for i in response.json()["indicators"]] == [("X1", "40.0"), ("X2", "60.0")]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"indicators": [OWN[0], {**OWN[1], "code": "X1"}]}, "indicators", "第2项指标:编码“X1”已存在。"),
        ({"indicators": [{**OWN[0], "max_points": "0"}]}, "indicators", "请确保该值大于或者等于 0.5。"),
        ({"scheme_kind": "moon"}, "scheme_kind", "不是合法选项"),
        ({"office": "county_b"}, "office", "不在您的权限范围内"),
    ],
)
def test_a_bad_scheme_is_refused_in_chinese_and_not_created(world, changes, field, message):
    if changes.get("office") == "county_b":
        changes["office"] = world["county_b"].pk
    data = {"office": world["county_a"].pk, "year": 2026, "scheme_kind": "target", "indicators": OWN, **changes}
    response = api_as(world, "admin_a").post(SCHEMES, data, format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field]), response.json()
    assert not Scheme.objects.exists()


def test_a_scheme_of_the_same_name_and_year_is_refused(world):
    client = api_as(world, "admin_a")
    data = {"office": world["county_a"].pk, "year": 2026, "scheme_kind": "target"}
    assert client.post(SCHEMES, data, format="json").status_code == 201
    response = client.post(SCHEMES, data, format="json")
    assert response.status_code == 400 and response.json()["name"] == ["本年度已有同名的指标体系。"]


@pytest.mark.parametrize("role", ["director_a", "sup_a1", "school_user_a1", "city_viewer"])
def test_only_the_offices_admin_creates_a_scheme_or_a_round(world, role):
    client = api_as(world, role)
    data = {"office": world["county_a"].pk, "year": 2026, "scheme_kind": "target"}
    assert client.post(SCHEMES, data, format="json").status_code == 403
    scheme = kg_round(world).scheme
    response = client.post(ROUNDS, {"scheme": scheme.pk, "name": "第二轮", "schools": [world["schools"]["a4"].pk]},
                           format="json")
    assert response.status_code == 403
    assert Scheme.objects.count() == 1 and Round.objects.count() == 1


def test_indicators_are_edited_until_scoring_starts_and_thresholds_always(world):
    client = api_as(world, "admin_a")
    scheme = client.post(SCHEMES, {"office": world["county_a"].pk, "year": 2026, "scheme_kind": "target",
                                   "indicators": OWN}, format="json").json()
    url = f"{SCHEMES}{scheme['id']}/"
    x1 = scheme["indicators"][0]["id"]
    response = client.post(f"{url}indicators/", {"area": "学生发展", "code": "X3", "title": "体质健康", "max_points": "10"},
                           format="json")
    assert response.status_code == 201 and [i["code"] for i in response.json()["indicators"]] == ["X1", "X2", "X3"]
    response = client.patch(f"{url}indicators/{x1}/", {"max_points": "30"}, format="json")
    assert response.status_code == 200 and response.json()["indicators"][0]["max_points"] == "30.0"
    assert response.json()["indicators"][0]["title"] == "校舍安全"
    rnd = client.post(ROUNDS, {"scheme": scheme["id"], "name": "2026年目标考核", "schools": [world["schools"]["a1"].pk]},
                      format="json").json()
    score_all(Round.objects.get(pk=rnd["id"]).entries.get(), Stage.COUNTY, world["admin_a"])
    locked = client.delete(f"{url}indicators/{x1}/")
    assert locked.status_code == 400 and "指标体系已锁定" in str(locked.json())
    response = client.patch(url, {"pass_min": "70", "good_min": "85"}, format="json")
    assert response.status_code == 200 and (response.json()["pass_min"], response.json()["good_min"]) == ("70.0", "85.0")
    bad = client.patch(url, {"pass_min": "95"}, format="json")
    assert bad.status_code == 400 and "合格 ≤ 良好 ≤ 优秀" in str(bad.json())


@pytest.mark.parametrize("role, status", [("director_a", 403), ("city_viewer", 403), ("admin_b", 404), ("sup_a1", 403)])
def test_only_the_offices_admin_changes_a_scheme(world, role, status):
    scheme = kg_round(world).scheme
    client = api_as(world, role)
    indicator = scheme.indicators.first()
    assert client.patch(f"{SCHEMES}{scheme.pk}/", {"name": "改名"}, format="json").status_code == status
    assert client.delete(f"{SCHEMES}{scheme.pk}/indicators/{indicator.pk}/").status_code == status
    assert client.post(f"{SCHEMES}{scheme.pk}/indicators/", OWN[0], format="json").status_code == status
    scheme.refresh_from_db()
    assert scheme.name == "幼儿园办园行为督导评估指标" and scheme.indicators.count() == 13


def test_admin_organises_a_round_of_kindergartens_that_the_kindergarten_then_sees(world):
    client = api_as(world, "admin_a")
    scheme = client.post(SCHEMES, {"office": world["county_a"].pk, "year": 2026, "scheme_kind": "kindergarten"},
                         format="json").json()
    kgs = kindergartens(world, 2)
    response = client.post(ROUNDS, {"scheme": scheme["id"], "name": "2026年幼儿园办园行为督导评估",
                                    "schools": [k.pk for k in kgs]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["schools"], body["stages"], body["self_evaluation"]) == (2, ["self", "county", "city"], True)
    f.school_user(kgs[0], username="kg")
    kg = token_login("kg", f.PASSWORD)
    assert [e["school_name"] for e in kg.get("/api/v1/evaluation-entries/").json()["results"]] == [kgs[0].name]


@pytest.mark.parametrize(
    "schools, message",
    [("a1", "只能选择幼儿园"), ("b1", "不在您的权限范围内"), ("", "")],
)
def test_a_round_with_the_wrong_schools_is_refused(world, schools, message):
    scheme = kg_round(world).scheme
    data = {"scheme": scheme.pk, "name": "第二轮", "schools": [world["schools"][schools].pk] if schools else []}
    response = api_as(world, "admin_a").post(ROUNDS, data, format="json")
    assert response.status_code == 400
    assert message in str(response.json()["schools"]), response.json()
    assert Round.objects.count() == 1


def test_the_admin_turns_weak_indicators_into_rectification_tickets(world):
    rnd = kg_round(world)
    entry = rnd.entries.get(school=world["schools"]["a4"])
    score_all(entry, Stage.COUNTY, world["admin_a"], overrides={"A1": Decimal(2)})
    url = f"/api/v1/evaluation-entries/{entry.pk}/rectify/"
    response = api_as(world, "admin_a").post(url, {"indicators": ["A1"], "opinion": "一个月内完成园舍维修"}, format="json")
    assert response.status_code == 201, response.content
    [problem] = response.json()
    assert problem["item_code"] == "A1" and "园舍场地与设施设备" in problem["item_title"]
    ticket = Ticket.objects.get(problem_id=problem["id"])
    assert ticket.school == world["schools"]["a4"]
    again = api_as(world, "admin_a").post(url, {"indicators": ["A1"], "opinion": "再次"}, format="json")
    assert again.status_code == 400 and "都已下达过整改" in str(again.json())
    unknown = api_as(world, "admin_a").post(url, {"indicators": ["Z9"], "opinion": "整改"}, format="json")
    assert unknown.status_code == 400 and "未知的指标编码:Z9" in str(unknown.json())


@pytest.mark.parametrize("role, status", [("director_a", 403), ("sup_a1", 403), ("city_viewer", 403), ("admin_b", 404)])
def test_only_the_offices_admin_issues_rectification_from_a_round(world, role, status):
    entry = kg_round(world).entries.get(school=world["schools"]["a4"])
    response = api_as(world, role).post(f"/api/v1/evaluation-entries/{entry.pk}/rectify/",
                                        {"indicators": ["A1"], "opinion": "整改"}, format="json")
    assert response.status_code == status
    assert not entry.problems.exists()
