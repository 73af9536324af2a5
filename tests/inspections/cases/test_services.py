"""The case state machine, sanitising, attachments and the year-end sentence."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections.cases import services
from inspections.cases.choices import CaseAction, CaseStatus
from inspections.cases.models import Case, CaseAttachment, CaseEvent
from inspections.cases.selectors import case_contribution
from reports.annual.contributions import contributions_for
from tests.inspections.evidence_files import image_bytes, pdf_bytes

from .factories import case_made

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_case_goes_from_draft_to_recommended_with_its_whole_history(world):
    author, director = world["sup_a1"].user, world["director_a"]
    case = case_made(author=author)
    assert case.status == CaseStatus.DRAFT
    case = services.case_submit(case=case, actor=author)
    case = services.case_review(case=case, actor=director, action=CaseAction.ACCEPTED, comment="")
    case = services.case_review(case=case, actor=director, action=CaseAction.EXCELLENT, comment="经验可推广")
    case = services.case_review(case=case, actor=director, action=CaseAction.RECOMMENDED)
    assert case.status == CaseStatus.RECOMMENDED and case.recommended_at
    moves = list(CaseEvent.objects.filter(case=case).exclude(to_status="").values_list("action", "to_status", "actor"))
    assert moves == [
        ("created", "draft", author.pk), ("submit", "submitted", author.pk), ("accept", "accepted", director.pk),
        ("excellent", "excellent", director.pk), ("recommend", "recommended", director.pk),
    ]
    assert CaseEvent.objects.get(case=case, action="excellent").comment == "经验可推广"


def test_the_director_hears_of_a_submitted_case_and_the_author_of_the_decision(world):
    from inspections.models import Notification

    author = world["sup_a1"].user
    case = case_made(author=author, status="returned", reviewer=world["admin_a"])
    told = Notification.objects.get(user=world["director_a"])
    assert case.title in told.title and "提交" in told.title and told.url.endswith(f"/cases/{case.pk}/")
    returned = Notification.objects.get(user=author)
    assert "退回修改" in returned.title and returned.body == "请补充整改成效"
    assert not Notification.objects.filter(user__in=[world["city_viewer"], world["admin_b"]]).exists()


def test_a_returned_case_is_revised_and_submitted_again(world):
    author = world["sup_a1"].user
    case = case_made(author=author, status="returned", reviewer=world["admin_a"])
    assert case.status == CaseStatus.RETURNED
    case = services.case_save(actor=author, case=case, title="课后服务提质增效的实践(修改稿)", year=2026, body="<p>补充了成效。</p>", submit=True)
    assert case.status == CaseStatus.SUBMITTED and case.title.endswith("(修改稿)")


@pytest.mark.parametrize("status, action", [
    ("draft", CaseAction.EXCELLENT), ("draft", CaseAction.ACCEPTED), ("submitted", CaseAction.RECOMMENDED),
    ("submitted", CaseAction.EXCELLENT), ("accepted", CaseAction.RECOMMENDED), ("accepted", CaseAction.RETURNED),
    ("recommended", CaseAction.RETURNED), ("returned", CaseAction.ACCEPTED),
])
def test_the_office_cannot_skip_a_step(world, status, action):
    case = case_made(author=world["sup_a1"].user, status=status, reviewer=world["director_a"])
    with pytest.raises(ValidationError, match="不能执行"):
        services.case_review(case=case, actor=world["director_a"], action=action, comment="意见")
    assert Case.objects.get(pk=case.pk).status == status


def test_a_return_needs_a_comment(world):
    case = case_made(author=world["sup_a1"].user, status="submitted")
    with pytest.raises(ValidationError, match="修改意见"):
        services.case_review(case=case, actor=world["director_a"], action=CaseAction.RETURNED, comment="  ")


def test_a_submitted_case_can_no_longer_be_edited_or_submitted_twice(world):
    author = world["sup_a1"].user
    case = case_made(author=author, status="submitted")
    with pytest.raises(ValidationError, match="不能再修改"):
        services.case_save(actor=author, case=case, title="改", year=2026, body="<p>x</p>")
    with pytest.raises(ValidationError, match="不能执行"):
        services.case_submit(case=case, actor=author)


def test_an_empty_case_is_not_submitted(world):
    author = world["sup_a1"].user
    case = case_made(author=author, body="<p> </p><script>x</script>")
    with pytest.raises(ValidationError, match="正文不能为空"):
        services.case_submit(case=case, actor=author)


def test_another_supervisor_cannot_edit_or_submit_someone_elses_case(world):
    case = case_made(author=world["sup_a1"].user)
    with pytest.raises(ValidationError):
        services.case_save(actor=world["sup_a2"].user, case=case, title="x", year=2026, body="<p>x</p>")
    with pytest.raises(ValidationError):
        services.case_submit(case=case, actor=world["sup_a2"].user)


def test_a_case_cannot_be_about_another_countys_school(world):
    with pytest.raises(ValidationError, match="本督导室"):
        services.case_save(actor=world["sup_a1"].user, title="x", year=2026, body="<p>x</p>", school=world["schools"]["b1"])


def test_script_styles_and_event_handlers_are_stripped_and_formatting_kept(world):
    body = (
        '<h2 onclick="steal()">一、基本情况</h2><p style="color:red">正文<script>alert(1)</script>'
        '<img src=x onerror="alert(document.cookie)"><strong>加粗</strong><em>倾斜</em>'
        '<a href="javascript:alert(1)">坏链接</a><a href="https://www.moe.gov.cn/" target="_blank">教育部</a></p>'
        '<style>body{display:none}</style><iframe src="https://evil.example"></iframe>'
        '<ol><li>一</li></ol><table><tr><th>项目</th><td colspan="2" onmouseover="x()">数据</td></tr></table>'
    )
    case = case_made(author=world["sup_a1"].user, body=body)
    stored = Case.objects.get(pk=case.pk).body
    for bad in ("<script", "alert", "onerror", "onclick", "onmouseover", "style", "<img", "<iframe", "javascript:", "target="):
        assert bad not in stored
    for good in ("<h2>一、基本情况</h2>", "<strong>加粗</strong>", "<em>倾斜</em>", "<ol><li>一</li></ol>", "<th>项目</th>",
                 '<td colspan="2">数据</td>', '<a href="https://www.moe.gov.cn/" rel="noopener noreferrer">教育部</a>'):
        assert good in stored


def test_the_browsers_bold_and_italic_are_stored_as_strong_and_em_without_empty_paragraphs(world):
    case = case_made(author=world["sup_a1"].user, body="<p><b>结论</b></p><p><ul><li><i>一</i></li></ul></p><p><br></p>")
    assert case.body == "<p><strong>结论</strong></p><ul><li><em>一</em></li></ul>"


def test_tags_are_kept_in_one_form(world):
    case = case_made(author=world["sup_a1"].user, tags="课后服务, 校园安全;双减,课后服务")
    assert case.tags == "课后服务、校园安全、双减" and case.tag_list == ["课后服务", "校园安全", "双减"]


def test_photos_and_documents_are_stored_with_their_real_type(world):
    uploads = [SimpleUploadedFile("课后服务.png", image_bytes("PNG")), SimpleUploadedFile("方案.pdf", pdf_bytes("课后服务方案"))]
    case = case_made(author=world["sup_a1"].user, uploads=uploads)
    assert sorted(case.attachments.values_list("content_type", flat=True)) == ["application/pdf", "image/jpeg"]  # photos re-encoded
    assert CaseEvent.objects.filter(case=case, action="file_added").count() == 2


def test_a_disguised_program_is_refused_and_nothing_is_stored(world):
    author = world["sup_a1"].user
    case = case_made(author=author, title="原标题")
    uploads = [SimpleUploadedFile("照片.png", image_bytes("PNG")), SimpleUploadedFile("照片2.jpg", b"MZ\x90\x00" + b"\x00" * 200)]
    with pytest.raises(ValidationError, match="可执行程序"):
        services.case_save(actor=author, case=case, title="新标题", year=2026, body="<p>x</p>", uploads=uploads)
    assert CaseAttachment.objects.count() == 0 and Case.objects.get(pk=case.pk).title == "原标题"


def test_a_file_over_the_upload_limit_is_refused(world, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError, match="过大"):
        case_made(author=world["sup_a1"].user, uploads=[SimpleUploadedFile("大图.png", image_bytes("PNG", size=(800, 800), color=(1, 2, 3)) + b"\x00" * 2000)])


def test_the_year_end_sentence_counts_the_offices_cases_of_that_year(world):
    author, reviewer = world["sup_a1"].user, world["director_a"]
    for status in ["submitted", "returned", "accepted", "excellent", "recommended", "recommended", "draft"]:
        case_made(author=author, status=status, reviewer=reviewer)
    case_made(author=author, status="recommended", reviewer=reviewer, year=2025)
    case_made(author=world["sup_b1"].user, status="submitted", reviewer=world["admin_b"])
    contribution = case_contribution(office=world["county_a"], year=2026)
    assert contribution.figures == {"written": 6, "excellent": 3, "recommended": 2}
    assert contribution.sentence == "责任督学撰写督导案例6篇,评选优秀案例3篇,向上级推荐2篇。"
    assert contribution in contributions_for(office=world["county_a"], year=2026)
    assert case_contribution(office=world["county_a"], year=2024) is None
