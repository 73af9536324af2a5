"""Year-end summary pages and API: who reads, who edits, what a bad placeholder does, query counts."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.annual.models import AnnualSummary
from reports.models import Job
from tests import factories as f

from .factories import year_built

pytestmark = pytest.mark.django_db


def _office_url(world, year):
    return reverse("annual:summary", args=[world["county_a"].pk, year])


def _zone_url(world, year, zone="zone_a1"):
    return reverse("annual:zone_summary", args=[world["county_a"].pk, year, world[zone].pk])


def test_director_opens_a_drafted_summary_with_every_figure_filled_in(client, world):
    data = year_built(world)
    client.force_login(world["director_a"])

    page = client.get(_office_url(world, data["year"]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "系统根据本年度数据起草,尚未修改。" in html
    assert "入校督导共{人次}人次" in html  # the editable text keeps the placeholder …
    assert "入校督导共4人次" in html  # … and the preview fills it in
    assert not AnnualSummary.objects.exists()  # opening the page writes nothing


def test_director_edits_the_words_and_the_figures_stay_live(client, world):
    data = year_built(world)
    client.force_login(world["director_a"])
    page = client.get(_office_url(world, data["year"]))
    form = {k: v for k, v in page.context["form"].initial.items()}
    form["until"] = data["cutoff"].isoformat()
    form["loop"] = "全年入校督导{人次}人次。"

    saved = client.post(_office_url(world, data["year"]), form)

    assert saved.status_code == 302
    summary = AnnualSummary.objects.get()
    assert summary.blocks["loop"] == "全年入校督导{人次}人次。" and summary.updated_by == world["director_a"]
    f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a2"], date=dt.date(data["year"], 7, 1))
    assert "全年入校督导5人次。" in client.get(_office_url(world, data["year"])).content.decode()


def test_a_bad_placeholder_is_shown_in_chinese_and_the_typed_text_is_kept(client, world):
    data = year_built(world)
    client.force_login(world["director_a"])
    form = dict(client.get(_office_url(world, data["year"])).context["form"].initial)
    form["until"] = data["cutoff"].isoformat()
    form["loop"] = "我写了很多字,入校督导{人数}人次。"

    page = client.post(_office_url(world, data["year"]), form)

    assert page.status_code == 200
    html = page.content.decode()
    assert "未知的数据占位符:{人数}。" in html
    assert "我写了很多字,入校督导{人数}人次。" in html
    assert not AnnualSummary.objects.exists()


def test_the_zone_lead_edits_their_zone_summary_and_the_office_can_too(client, world):
    data = year_built(world)
    client.force_login(world["sup_a1"].user)
    form = dict(client.get(_zone_url(world, data["year"])).context["form"].initial)
    form["until"] = data["cutoff"].isoformat()
    form["plan"] = "明年每月全覆盖。"

    assert client.post(_zone_url(world, data["year"]), form).status_code == 302
    assert AnnualSummary.objects.get().zone == world["zone_a1"]
    client.force_login(world["admin_a"])
    assert client.get(_zone_url(world, data["year"])).context["form"] is not None


@pytest.mark.parametrize("who", ["admin_b", "school_user_a1", "sup_a2"])
def test_other_office_school_user_and_another_zones_supervisor_get_404(client, world, who):
    data = year_built(world)
    user = world[who].user if who == "sup_a2" else world[who]
    client.force_login(user)

    assert client.get(_zone_url(world, data["year"])).status_code == 404
    assert client.post(_zone_url(world, data["year"]), {"title": "x"}).status_code == 404
    assert client.post(reverse("annual:zone_pdf_start", args=[world["county_a"].pk, data["year"], world["zone_a1"].pk])).status_code == 404
    assert client.get(_office_url(world, data["year"])).status_code == 404
    assert not AnnualSummary.objects.exists() and not Job.objects.exists()


def test_a_lead_supervisor_reads_only_their_own_zone(client, world):
    data = year_built(world)
    client.force_login(world["sup_a2"].user)

    assert client.get(_zone_url(world, data["year"], "zone_a2")).status_code == 200
    index = client.get(reverse("annual:index"), {"year": data["year"]}).content.decode()
    assert "乡镇第一责任区" in index and "城区第一责任区" not in index


def test_higher_offices_read_but_do_not_edit_or_print(client, world):
    data = year_built(world)
    client.force_login(world["city_viewer"])

    page = client.get(_office_url(world, data["year"]))
    assert page.status_code == 200 and page.context["form"] is None
    assert "入校督导共4人次" in page.content.decode()
    assert client.post(_office_url(world, data["year"]), {"title": "x"}).status_code == 404
    assert client.post(reverse("annual:pdf_start", args=[world["county_a"].pk, data["year"]])).status_code == 404


def test_starting_the_pdf_twice_with_the_same_words_and_data_gives_one_job(client, world, settings):
    data = year_built(world)
    client.force_login(world["director_a"])
    url = reverse("annual:pdf_start", args=[world["county_a"].pk, data["year"]])

    first = client.post(url)
    second = client.post(url)

    job = Job.objects.get()
    assert job.kind == "annual_summary" and job.params == {"year": data["year"], "zone": None}
    assert first["Location"] == second["Location"] == reverse("reports:job_detail", args=[job.pk])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_index_and_summary_pages_take_the_same_number_of_queries_with_more_data(client, world):
    data = year_built(world)
    client.force_login(world["director_a"])
    index = reverse("annual:index") + f"?year={data['year']}"
    small = (_queries(client, index), _queries(client, _office_url(world, data["year"])))
    for n in range(4):
        zone = f.ZoneFactory(office=world["county_a"], name=f"新责任区{n}")
        school = f.SchoolFactory(office=world["county_a"], zone=zone)
        AnnualSummary.objects.create(office=world["county_a"], zone=zone, year=data["year"], title="t",
                                     until=data["cutoff"])
        f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"], date=dt.date(data["year"], 8, n + 1), problems=1)
        del school
    large = (_queries(client, index), _queries(client, _office_url(world, data["year"])))

    assert large == small


# --- API ---------------------------------------------------------------------------------------------


def test_api_lists_and_retrieves_summaries_with_live_figures(client, world):
    data = year_built(world)
    summary = AnnualSummary.objects.create(office=world["county_a"], year=data["year"], title="总结", until=data["cutoff"])
    client.force_login(world["city_viewer"])

    listed = client.get("/api/v1/annual-summaries/").json()
    detail = client.get(f"/api/v1/annual-summaries/{summary.pk}/").json()

    assert [row["id"] for row in listed["results"]] == [summary.pk]
    assert detail["figures"]["placeholders"]["人次"] == "4"
    assert detail["figures"]["placeholders"]["整改率"] == "33.3%"
    assert any("入校督导共4人次" in p for s in detail["sections"] for p in s["paragraphs"])


def test_api_updates_blocks_for_editors_only_and_refuses_bad_placeholders(client, world):
    data = year_built(world)
    summary = AnnualSummary.objects.create(office=world["county_a"], year=data["year"], title="总结", until=data["cutoff"])
    url = f"/api/v1/annual-summaries/{summary.pk}/"

    client.force_login(world["city_viewer"])
    assert client.patch(url, {"blocks": {"plan": "x"}}, content_type="application/json").status_code == 403
    for outsider in (world["admin_b"], world["school_user_a1"], world["sup_a1"].user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(world["director_a"])
    bad = client.patch(url, {"blocks": {"loop": "{人数}"}}, content_type="application/json")
    assert bad.status_code == 400 and "未知的数据占位符:{人数}" in bad.json()["loop"][0]
    good = client.patch(url, {"blocks": {"loop": "共{校次}校次"}}, content_type="application/json")
    assert good.status_code == 200
    assert any("共3校次" in p for s in good.json()["sections"] for p in s["paragraphs"])


def test_api_list_takes_the_same_number_of_queries_for_more_summaries(client, world):
    data = year_built(world)
    client.force_login(world["director_a"])
    AnnualSummary.objects.create(office=world["county_a"], year=data["year"], title="总结", until=data["cutoff"])
    small = _queries(client, "/api/v1/annual-summaries/")
    for zone in ("zone_a1", "zone_a2"):
        AnnualSummary.objects.create(office=world["county_a"], zone=world[zone], year=data["year"], title="z",
                                     until=data["cutoff"])
    assert _queries(client, "/api/v1/annual-summaries/") == small


def test_the_demo_summaries_open_for_the_director_and_the_zone_lead(client, world):
    from django.utils import timezone

    from reports.annual.demo import demo_build

    f.visit_filled(user=world["sup_a1"].user, school=world["schools"]["a1"], problems=1)
    world["zone_a1"].name = "城区学校责任区"
    world["zone_a1"].save()
    today = timezone.localdate()
    demo_build(office=world["county_a"], today=today)
    demo_build(office=world["county_a"], today=today)  # idempotent

    # Last year's summary (to 31 December) and this year's draft, each for the office and one zone.
    assert AnnualSummary.objects.count() == 4
    assert AnnualSummary.objects.get(year=today.year - 1, zone=None).until == dt.date(today.year - 1, 12, 31)
    client.force_login(world["director_a"])
    for year in (today.year - 1, today.year):
        page = client.get(_office_url(world, year))
        assert page.status_code == 200 and "做好义务教育优质均衡发展督导评估的迎检准备" in page.content.decode()
    client.force_login(world["sup_a1"].user)
    assert client.get(_zone_url(world, today.year - 1)).status_code == 200
    assert client.get(_zone_url(world, today.year)).status_code == 200


def test_printed_summaries_download_for_their_readers_only(client, world):
    from reports.services import job_run, job_start

    data = year_built(world)
    office_job = job_start(kind="annual_summary", office=world["county_a"], params={"year": data["year"]},
                           user=world["director_a"])
    zone_job = job_start(kind="annual_summary", office=world["county_a"],
                         params={"year": data["year"], "zone": world["zone_a1"].pk}, user=world["director_a"])
    for job in (office_job, zone_job):
        job_run(job_id=job.pk)

    def download(user, job):
        client.force_login(user)
        return client.get(reverse("annual:pdf_download", args=[job.pk]))

    response = download(world["city_viewer"], office_job)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    # The lead reads their zone's PDF though the director started it; not the office's.
    assert download(world["sup_a1"].user, zone_job).status_code == 200
    assert download(world["sup_a1"].user, office_job).status_code == 404
    for outsider in (world["admin_b"], world["school_user_a1"], world["sup_a2"].user):
        assert download(outsider, zone_job).status_code == 404


def test_api_patch_without_blocks_changes_the_title_and_keeps_the_blocks(client, world):
    data = year_built(world)
    summary = AnnualSummary.objects.create(office=world["county_a"], year=data["year"], title="总结", until=data["cutoff"],
                                           blocks={"loop": "共{校次}校次"})
    url = f"/api/v1/annual-summaries/{summary.pk}/"
    client.force_login(world["director_a"])

    answer = client.patch(url, {"title": "柳河县年度督导工作总结", "signature": "柳河县督导室"},
                          content_type="application/json")

    assert answer.status_code == 200, answer.content
    summary.refresh_from_db()
    assert summary.title == "柳河县年度督导工作总结" and summary.signature == "柳河县督导室"
    assert summary.blocks == {"loop": "共{校次}校次"}
    assert answer.json()["title"] == "柳河县年度督导工作总结"
    bad = client.patch(url, {"title": "新标题", "blocks": {"plan": "{人数"}}, content_type="application/json")
    assert bad.status_code == 400 and "花括号不成对" in bad.json()["plan"][0]
    summary.refresh_from_db()
    assert summary.title == "柳河县年度督导工作总结"  # nothing saved with a bad block


def test_api_patch_without_blocks_keeps_the_words_and_answers_200_not_500(client, world):
    data = year_built(world)
    summary = AnnualSummary.objects.create(office=world["county_a"], year=data["year"], title="总结", until=data["cutoff"],
                                           blocks={"loop": "共{校次}校次"})
    client.force_login(world["director_a"])

    response = client.patch(f"/api/v1/annual-summaries/{summary.pk}/", {"title": "新标题"}, content_type="application/json")

    assert response.status_code == 200, response.content[:300]
    summary.refresh_from_db()
    assert summary.title == "新标题" and summary.blocks == {"loop": "共{校次}校次"}
