"""The case pages: who sees what, writing with a refused file, reviewing, downloads, list queries."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.cases.choices import CaseStatus
from inspections.cases.models import Case, CaseAttachment
from tests.inspections.evidence_files import image_bytes, pdf_bytes

from .factories import case_made

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(client, user):
    client.force_login(user)
    return client


def detail(case):
    return reverse("cases:detail", args=[case.pk])


def test_a_supervisor_writes_a_case_and_submits_it(world, client):
    sup = world["sup_a1"]
    c = client_for(client, sup.user)
    response = c.post(reverse("cases:create"), {
        "title": "校园安全隐患排查的做法", "year": 2026, "tags": "校园安全", "school": world["schools"]["a1"].pk,
        "body": "<h2>一、背景</h2><p>开学初<strong>全面排查</strong>。</p>", "do": "save",
        "files": [SimpleUploadedFile("排查照片.png", image_bytes("PNG"))],
    })
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:edit", args=[case.pk])
    assert case.status == CaseStatus.DRAFT and case.attachments.count() == 1 and case.author == sup
    response = c.post(reverse("cases:edit", args=[case.pk]), {
        "title": case.title, "year": 2026, "tags": case.tags, "body": case.body, "do": "submit"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_a_disguised_file_is_refused_and_what_was_typed_comes_back(world, client):
    c = client_for(client, world["sup_a1"].user)
    response = c.post(reverse("cases:create"), {
        "title": "幼儿园去小学化专项督导", "year": 2026, "tags": "幼儿园", "body": "<p>我们<em>逐园</em>查看了课程安排。</p>",
        "do": "save", "files": [SimpleUploadedFile("课程表.jpg", b"MZ\x90\x00" + b"\x00" * 300)],
    })
    assert response.status_code == 400
    text = response.content.decode()
    assert "可执行程序" in text and "课程表.jpg" in text
    assert 'value="幼儿园去小学化专项督导"' in text
    assert "我们&lt;em&gt;逐园&lt;/em&gt;查看了课程安排" in text  # the body, escaped in its textarea, back in the editor
    assert Case.objects.count() == 0 and CaseAttachment.objects.count() == 0


def test_a_refused_page_gives_back_the_body_cleaned(world, client):
    c = client_for(client, world["sup_a1"].user)
    response = c.post(reverse("cases:create"), {
        "title": "", "year": 2026, "body": '<p>校园安全<img src=x onerror="alert(1)"></p>', "do": "save"})
    text = response.content.decode()
    assert response.status_code == 400 and "校园安全" in text and "onerror" not in text


def test_the_author_takes_a_file_back_from_a_draft(world, client):
    case = case_made(author=world["sup_a1"].user, uploads=[SimpleUploadedFile("错传的照片.png", image_bytes("PNG"))])
    attachment = case.attachments.get()
    c = client_for(client, world["sup_a1"].user)
    response = c.post(reverse("cases:edit", args=[case.pk]), {
        "title": case.title, "year": 2026, "tags": case.tags, "body": case.body, "remove": attachment.pk})
    assert response.status_code == 302 and not CaseAttachment.objects.exists()
    assert case.events.filter(action="file_removed", comment="错传的照片.png").exists()


def test_an_empty_title_is_refused_in_chinese(world, client):
    c = client_for(client, world["sup_a1"].user)
    response = c.post(reverse("cases:create"), {"title": "", "year": 2026, "body": "<p>正文</p>", "do": "save"})
    assert response.status_code == 400 and "必填" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_draft_is_its_authors_alone(world, client):
    case = case_made(author=world["sup_a1"].user)
    for user in [world["sup_a2"].user, world["director_a"], world["admin_a"], world["city_viewer"], world["school_user_a1"]]:
        client.force_login(user)
        assert client.get(detail(case)).status_code == 404
        assert client.get(reverse("cases:edit", args=[case.pk])).status_code == 404
    client.force_login(world["sup_a1"].user)
    assert client.get(detail(case)).status_code == 200


def test_the_office_reads_submitted_cases_and_other_offices_get_404(world, client):
    case = case_made(author=world["sup_a1"].user, status="submitted")
    for user in [world["director_a"], world["admin_a"]]:
        client.force_login(user)
        assert client.get(detail(case)).status_code == 200
    for user in [world["admin_b"], world["sup_a2"].user, world["school_user_a1"], world["city_viewer"], world["province_viewer"]]:
        client.force_login(user)
        assert client.get(detail(case)).status_code == 404, user


def test_higher_offices_read_a_case_only_once_recommended(world, client):
    case = case_made(author=world["sup_a1"].user, status="excellent", reviewer=world["director_a"])
    client.force_login(world["city_viewer"])
    assert client.get(detail(case)).status_code == 404
    assert case.title not in client.get(reverse("cases:list")).content.decode()
    case_made(author=world["sup_a1"].user, status="recommended", reviewer=world["director_a"], title="课后服务“5+2”全覆盖")
    for user in [world["city_viewer"], world["province_viewer"]]:
        client.force_login(user)
        page = client.get(reverse("cases:list")).content.decode()
        assert "课后服务“5+2”全覆盖" in page and case.title not in page


def test_the_office_list_opens_on_the_cases_waiting_for_review(world, client):
    case_made(author=world["sup_a1"].user, status="submitted", title="待审核的案例")
    case_made(author=world["sup_a1"].user, status="accepted", reviewer=world["director_a"], title="已采纳的案例")
    client.force_login(world["director_a"])
    page = client.get(reverse("cases:list")).content.decode()
    assert "待审核的案例" in page and "已采纳的案例" not in page
    page = client.get(reverse("cases:list"), {"status": ""}).content.decode()
    assert "待审核的案例" in page and "已采纳的案例" in page


def test_school_users_see_no_cases(world, client):
    case_made(author=world["sup_a1"].user, status="recommended", reviewer=world["director_a"], school=world["schools"]["a1"])
    client.force_login(world["school_user_a1"])
    page = client.get(reverse("cases:list")).content.decode()
    assert 'data-testid="case-row"' not in page


def test_the_director_marks_excellent_and_recommends_upward(world, client):
    case = case_made(author=world["sup_a1"].user, status="accepted", reviewer=world["admin_a"])
    client.force_login(world["director_a"])
    page = client.get(detail(case)).content.decode()
    assert 'data-testid="review-excellent"' in page and 'data-testid="review-return"' not in page
    assert client.post(reverse("cases:review", args=[case.pk]), {"action": "excellent", "comment": "做法值得推广"}).status_code == 302
    assert client.post(reverse("cases:review", args=[case.pk]), {"action": "recommend"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RECOMMENDED
    assert "做法值得推广" in client.get(detail(case)).content.decode()


def test_a_return_without_comment_is_refused_on_the_page(world, client):
    case = case_made(author=world["sup_a1"].user, status="submitted")
    client.force_login(world["admin_a"])
    response = client.post(reverse("cases:review", args=[case.pk]), {"action": "return", "comment": ""})
    assert response.status_code == 400 and "退回时请写明修改意见" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_neither_the_author_nor_a_higher_office_nor_another_county_can_review(world, client):
    case = case_made(author=world["sup_a1"].user, status="submitted")
    for user in [world["sup_a1"].user, world["city_viewer"], world["admin_b"]]:
        client.force_login(user)
        assert client.post(reverse("cases:review", args=[case.pk]), {"action": "accept"}).status_code == 404
    recommended = case_made(author=world["sup_a1"].user, status="excellent", reviewer=world["director_a"])
    client.force_login(world["city_viewer"])
    assert client.post(reverse("cases:review", args=[recommended.pk]), {"action": "recommend"}).status_code == 404
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_the_returned_author_sees_the_comment_and_revises(world, client):
    case = case_made(author=world["sup_a1"].user, status="returned", reviewer=world["director_a"])
    client.force_login(world["sup_a1"].user)
    inbox = client.get(reverse("inspections:inbox")).content.decode()
    assert case.title in inbox and "退回修改" in inbox
    page = client.get(reverse("cases:edit", args=[case.pk])).content.decode()
    assert "请补充整改成效" in page


def test_attachments_download_only_for_those_who_read_the_case(world, client):
    case = case_made(author=world["sup_a1"].user, status="submitted", uploads=[
        SimpleUploadedFile("照片.png", image_bytes("PNG")), SimpleUploadedFile("课后服务方案.pdf", pdf_bytes("方案"))])
    photo, pdf = case.attachments.order_by("content_type")[1], case.attachments.order_by("content_type")[0]
    client.force_login(world["director_a"])
    response = client.get(reverse("cases:attachment", args=[pdf.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"] and response["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("cases:attachment", args=[photo.pk]))["Content-Type"] == "image/jpeg"
    for user in [world["admin_b"], world["city_viewer"], world["school_user_a1"], world["sup_a2"].user]:
        client.force_login(user)
        assert client.get(reverse("cases:attachment", args=[pdf.pk])).status_code == 404


def test_the_list_filters_by_year_status_and_title(world, client):
    author, reviewer = world["sup_a1"].user, world["director_a"]
    case_made(author=author, status="submitted", title="课后服务的实践")
    case_made(author=author, status="excellent", reviewer=reviewer, title="校园安全排查")
    case_made(author=author, status="submitted", title="往年的课后服务", year=2025)
    client.force_login(reviewer)
    url = reverse("cases:list")
    titles = lambda r: r.content.decode().count('data-testid="case-row"')  # noqa: E731
    assert titles(client.get(url, {"year": 2026})) == 2
    assert titles(client.get(url, {"year": ""})) == 3
    assert titles(client.get(url, {"year": 2026, "status": "submitted"})) == 1
    page = client.get(url, {"year": "", "q": "课后服务"}).content.decode()
    assert "课后服务的实践" in page and "往年的课后服务" in page and "校园安全排查" not in page


def _many(world, n):
    author, reviewer = world["sup_a1"].user, world["director_a"]
    for i in range(n):
        case_made(author=author, status=["submitted", "recommended"][i % 2], reviewer=reviewer, title=f"案例{i}",
                  school=world["schools"]["a1"], uploads=[SimpleUploadedFile(f"{i}.png", image_bytes("PNG", color=(i, 9, 9)))])


@pytest.mark.parametrize("who", ["director_a", "city_viewer", "sup"])
def test_the_list_runs_the_same_queries_for_2_and_12_cases(world, client, django_assert_num_queries, who):
    user = world["sup_a1"].user if who == "sup" else world[who]
    client.force_login(user)
    _many(world, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("cases:list")).status_code == 200
    _many(world, 10)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(reverse("cases:list")).status_code == 200
