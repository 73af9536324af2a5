"""Issue 6 (kindergarten conduct evaluation): the kindergarten enters its self-evaluation on a phone,
a county supervisor scores it on site (a mistyped score is refused, nothing typed is lost), the admin
records the city's re-evaluation, and the director sees 自评 / 县评 / 市评 side by side."""
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections.evaluations.choices import Stage
from inspections.evaluations.models import Indicator, Score
from tests import factories as f
from tests.inspections.evaluations.factories import kg_round, score_all
from tests.factories import PASSWORD

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def fill_all(page, indicators, value_of):
    for ind in indicators:
        page.fill(f"#id_i{ind.pk}", value_of(ind))


def test_self_evaluation_county_scoring_and_the_directors_side_by_side_view(world, new_page):
    kg = world["schools"]["a4"]
    rnd = kg_round(world, [kg])
    entry = rnd.entries.get()
    indicators = list(Indicator.objects.filter(scheme=rnd.scheme).order_by("order"))
    kg_user = f.school_user(kg, username="kg_a4")
    errors = []

    # The kindergarten, on a phone, opens its evaluations from the menu and fills in the self-evaluation.
    phone = new_page(375, 780)
    phone.context.on("weberror", lambda error: errors.append(str(error.error)))
    login(phone, kg_user.username, PASSWORD)
    phone.goto(reverse("evaluations:mine"))
    expect(phone.get_by_test_id("my-entry")).to_contain_text(rnd.name)
    phone.get_by_test_id("self-evaluate").click()
    fill_all(phone, indicators, lambda ind: f"{ind.max_points.normalize():f}")
    no_horizontal_scroll(phone)
    phone.get_by_test_id("score-save").click()
    expect(phone.get_by_test_id("total-self")).to_contain_text("100")
    assert Score.objects.filter(entry=entry, stage=Stage.SELF).count() == len(indicators)

    # A county supervisor scores on site on a phone; a score above the maximum is refused, the rest stays.
    sup = new_page(375, 780)
    sup.context.on("weberror", lambda error: errors.append(str(error.error)))
    login(sup, world["sup_a1"].user.username, PASSWORD)
    sup.goto(reverse("evaluations:home"))
    sup.get_by_test_id("round-row").click()
    sup.get_by_role("link", name=kg.name).click()
    sup.get_by_test_id("score-county").click()
    fill_all(sup, indicators, lambda ind: "9" if ind.code == "A1" else f"{(ind.max_points - 1).normalize():f}")
    sup.fill("#id_notes", "保教常规落实较好,档案需完善。")
    sup.get_by_test_id("score-save").click()
    expect(sup.locator(".invalid-feedback")).to_contain_text("得分应在0到8分之间")
    expect(sup.locator(f"#id_i{indicators[1].pk}")).to_have_value(f"{(indicators[1].max_points - 1).normalize():f}")
    expect(sup.locator("#id_notes")).to_have_value("保教常规落实较好,档案需完善。")
    assert not Score.objects.filter(entry=entry, stage=Stage.COUNTY).exists()
    sup.fill(f"#id_i{indicators[0].pk}", "7")
    sup.get_by_test_id("score-save").click()
    county_total = 100 - len(indicators)
    expect(sup.get_by_test_id("total-county")).to_contain_text(str(county_total))
    no_horizontal_scroll(sup)

    # The admin records the city's re-evaluation (市级复评) as the city sent it.
    score_all(entry, Stage.CITY, world["admin_a"], overrides={"C3": 8})

    # The director sees the three stages side by side, with totals and the level.
    director = new_page(1280, 900)
    director.context.on("weberror", lambda error: errors.append(str(error.error)))
    login(director, world["director_a"].username, PASSWORD)
    director.goto(reverse("evaluations:round_detail", args=[rnd.pk]))
    row = director.get_by_test_id("result-row")
    expect(row.locator('[data-stage="self"]')).to_have_text("100")
    expect(row.locator('[data-stage="county"]')).to_have_text(str(county_total))
    expect(row.locator('[data-stage="city"]')).to_have_text("98")
    expect(row).to_contain_text("优秀")
    row.get_by_role("link", name=kg.name).click()
    sheet = director.get_by_test_id("side-by-side")
    c3 = sheet.get_by_test_id("sheet-row").filter(has_text="杜绝小学化倾向")
    expect(c3).to_contain_text("10")
    expect(c3.locator("td").nth(2)).to_have_text("10")
    expect(c3.locator("td").nth(3)).to_have_text("9")
    expect(c3.locator("td").nth(4)).to_have_text("8")
    director.screenshot(path="/tmp/evaluation-side-by-side.png", full_page=True)
    assert errors == []
