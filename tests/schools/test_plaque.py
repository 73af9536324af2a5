"""The public plaque page (挂牌督导) and its printable A4 poster."""
import io
import logging
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from schools.plaque import plaque_for_code, plaque_pdf
from schools.services import school_close
from supervision import clock
from supervision.services import supervisor_set_photo, zone_set_supervisors
from tests import factories as f
from tests.reports.pdf_tools import pdf_fonts, pdf_info, pdf_links, pdf_text

pytestmark = pytest.mark.django_db

DUTIES = (
    "对学校依法依规办学进行监督。",
    "对学校管理和教育教学进行指导。",
    "受理、核实相关举报和投诉。",
    "发现问题并督促学校整改。",
    "向教育督导部门报告情况，并向政府有关部门提出意见。",
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def plaque_world(world):
    """County A with its contact details filled in and a school address, as a real office has."""
    office = world["county_a"]
    office.phone, office.email, office.address = "0435-7222333", "duxue@liuhe.example.cn", "柳河县向阳街100号"
    office.save()
    school = world["schools"]["a1"]
    school.address, school.principal, school.phone = "柳河县人民大街88号", "孙校长", "0435-7211111"
    school.save()
    return world


def _jpeg(color=(90, 130, 180)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (300, 400), color).save(out, format="JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def _page(client, school) -> str:
    response = client.get(reverse("schools:plaque", args=[school.code]))
    assert response.status_code == 200
    return response.content.decode()


# --- The public page -------------------------------------------------------------------------------


def test_a_parent_opens_the_plaque_without_logging_in_and_can_call_the_supervisor(client, plaque_world):
    page = _page(client, plaque_world["schools"]["a1"])

    for text in ("柳河县第一小学", "小学", "柳河县人民大街88号", "城区第一责任区", "王督学", "专职督学", "组长"):
        assert text in page, text
    sup = plaque_world["sup_a1"]
    assert f'href="tel:{sup.phone}"' in page
    for duty in DUTIES:
        assert duty in page
    assert "责任督学对责任区内学校实施经常性督导，每月不少于1次。" in page
    assert "柳河县人民政府教育督导室" in page
    assert 'href="tel:0435-7222333"' in page and 'href="mailto:duxue@liuhe.example.cn"' in page
    assert "柳河县向阳街100号" in page


def test_part_time_supervisor_shows_their_employer(client, world):
    page = _page(client, world["schools"]["a3"])

    assert "李督学" in page and "兼职督学" in page and "柳河县第三小学" in page


def test_full_time_supervisors_employer_is_not_shown(client, world):
    sup = world["sup_a1"]
    sup.employer = "柳河县教育局"
    sup.save()

    assert "柳河县教育局" not in _page(client, world["schools"]["a1"])


def test_only_the_lead_is_marked_lead_and_comes_first(client, world):
    second = f.SupervisorFactory(office=world["county_a"], name="陈督学")
    zone_set_supervisors(zone=world["zone_a1"], supervisors=[second, world["sup_a1"]], lead=world["sup_a1"])

    page = _page(client, world["schools"]["a1"])

    assert page.count('data-testid="plaque-supervisor"') == 2
    assert page.count('data-testid="plaque-lead"') == 1
    assert page.index("王督学") < page.index('data-testid="plaque-lead"') < page.index("陈督学")


def test_supervisor_photo_is_shown_and_served_to_anyone_else_an_initial(client, world):
    supervisor_set_photo(supervisor=world["sup_a1"], photo=_jpeg())
    second = f.SupervisorFactory(office=world["county_a"], name="陈督学")
    zone_set_supervisors(zone=world["zone_a1"], supervisors=[world["sup_a1"], second], lead=world["sup_a1"])

    page = _page(client, world["schools"]["a1"])

    photo_url = reverse("supervisor_photo", args=[world["sup_a1"].pk])
    assert f'src="{photo_url}"' in page
    assert reverse("supervisor_photo", args=[second.pk]) not in page
    assert '<div class="sup-initial" aria-hidden="true">陈</div>' in page
    photo = client.get(photo_url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_school_outside_any_zone_shows_the_office_contact_and_says_so(client, plaque_world):
    page = _page(client, plaque_world["schools"]["a4"])

    assert "柳河县实验幼儿园" in page and "幼儿园" in page
    assert "本校尚未划入督学责任区。" in page
    assert "本校暂未配备责任督学。如需反映情况，请直接联系下方的教育督导室。" in page
    assert 'href="tel:0435-7222333"' in page
    assert 'data-testid="plaque-supervisor"' not in page


def test_zone_whose_supervisors_all_left_says_no_supervisor(client, world):
    world["sup_a2"].is_active = False
    world["sup_a2"].save()

    page = _page(client, world["schools"]["a3"])

    assert "李督学" not in page
    assert "乡镇第一责任区" in page and "本校暂未配备责任督学" in page


def test_unknown_or_closed_school_has_no_plaque(client, world):
    closed = world["schools"]["a2"]
    school_close(school=closed, on=clock.today())

    assert client.get(reverse("schools:plaque", args=[closed.code])).status_code == 404
    assert client.get(reverse("schools:plaque", args=["9999999999"])).status_code == 404
    assert client.get(reverse("schools:plaque", args=["abc"])).status_code == 404


def test_plaque_shows_nothing_beyond_the_plaque(client, plaque_world):
    sup = plaque_world["sup_a1"]
    sup.title, sup.duties = "高级教师", "内部分工:负责安全专项"
    sup.save()
    gone = f.SupervisorFactory(office=plaque_world["county_a"], name="钱督学", is_active=False)
    zone_set_supervisors(zone=plaque_world["zone_a1"], supervisors=[sup, gone], lead=sup)

    page = _page(client, plaque_world["schools"]["a1"])

    hidden = ["孙校长", "0435-7211111", "高级教师", "内部分工", "钱督学", gone.phone, sup.user.username,
              "李督学", "赵督学", "柳河县第二中学", "辉南"]
    for text in hidden:
        assert text not in page, text
    assert plaque_world["schools"]["a1"].code in page  # only in the page's own links
    assert "退出" not in page  # no signed-in chrome for the public


def test_plaque_page_costs_three_queries_however_many_supervisors(client, world, django_assert_num_queries):
    # the school, its membership today with the zone, the zone's supervisors today
    with django_assert_num_queries(3):
        _page(client, world["schools"]["a1"])
    extra = [f.SupervisorFactory(office=world["county_a"]) for _ in range(4)]
    zone_set_supervisors(zone=world["zone_a1"], supervisors=[world["sup_a1"], *extra], lead=world["sup_a1"])
    with django_assert_num_queries(3):
        page = _page(client, world["schools"]["a1"])
    assert page.count('data-testid="plaque-supervisor"') == 5


def test_plaque_page_is_phone_first(client, world):
    page = _page(client, world["schools"]["a1"])

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "btn-tap w-100" in page  # full-width call buttons, 44 px tall


# --- The poster ------------------------------------------------------------------------------------


def _poster(client, user, school, tmp_path) -> Path:
    client.force_login(user)
    response = client.get(reverse("schools:plaque_poster", args=[school.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "poster.pdf"
    path.write_bytes(response.content)
    return path


def test_poster_is_one_a4_page_with_school_supervisor_phone_duties_and_qr_link(
    client, plaque_world, settings, tmp_path
):
    settings.SITE_URL = "https://duxue.liuhe.example.cn"
    supervisor_set_photo(supervisor=plaque_world["sup_a1"], photo=_jpeg())
    school = plaque_world["schools"]["a1"]

    pdf = _poster(client, plaque_world["admin_a"], school, tmp_path)

    info = pdf_info(pdf)
    assert info["Pages"] == "1"
    assert info["Page size"].startswith("595.276 x 841.89 pts (A4)")
    text = pdf_text(pdf)
    target = "https://duxue.liuhe.example.cn" + reverse("schools:plaque", args=[school.code])
    for expected in ("责任督学挂牌督导公示牌", "柳河县第一小学", "王督学", plaque_world["sup_a1"].phone, "组长",
                     "柳河县人民政府教育督导室", "0435-7222333", "duxue@liuhe.example.cn", target, *DUTIES):
        assert "".join(expected.split()) in text, expected
    assert "孙校长" not in text
    assert target in pdf_links(pdf)  # the QR code and the printed address both link to the plaque page


def test_poster_embeds_the_photo_and_the_qr_code_as_vector(client, world, tmp_path):
    school = world["schools"]["a1"]
    without_photo = _poster(client, world["admin_a"], school, tmp_path).read_bytes()
    supervisor_set_photo(supervisor=world["sup_a1"], photo=_jpeg())
    with_photo = _poster(client, world["admin_a"], school, tmp_path).read_bytes()

    assert b"/DCTDecode" not in without_photo  # the QR code is paths, not an image
    assert b"/DCTDecode" in with_photo  # the JPEG photo


def test_poster_for_a_school_without_supervisor_still_gives_the_office(client, plaque_world, tmp_path):
    pdf = _poster(client, plaque_world["director_a"], plaque_world["schools"]["a4"], tmp_path)

    text = pdf_text(pdf)
    assert "柳河县实验幼儿园" in text and "本校暂未配备责任督学" in text and "0435-7222333" in text


def test_school_user_prints_their_own_poster_but_not_another_schools(client, world, tmp_path):
    _poster(client, world["school_user_a1"], world["schools"]["a1"], tmp_path)

    other = client.get(reverse("schools:plaque_poster", args=[world["schools"]["a2"].code]))
    assert other.status_code == 404


def test_poster_needs_a_login_and_a_school_in_the_users_scope(client, world):
    url = reverse("schools:plaque_poster", args=[world["schools"]["a1"].code])
    assert client.get(url).status_code == 302
    client.force_login(world["admin_b"])
    assert client.get(url).status_code == 404
    client.force_login(world["admin_a"])
    assert client.get(reverse("schools:plaque_poster", args=["9999999999"])).status_code == 404


def test_poster_fonts_are_the_noto_cjk_faces_subset_with_harfbuzz(world, caplog, tmp_path):
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    # WeasyPrint 70 (weasyprint/pdf/fonts.py) subsets with HarfBuzz only when libharfbuzz-subset
    # is loaded and HarfBuzz >= 4.1; otherwise it falls back to the slow fontTools path and warns.
    assert harfbuzz_subset is not None, "libharfbuzz-subset0 is missing: apt-get install libharfbuzz-subset0"
    assert harfbuzz.hb_version_atleast(4, 1, 0)

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        content = plaque_pdf(plaque_for_code(code=world["schools"]["a1"].code))

    assert not [r.getMessage() for r in caplog.records if "subset" in r.getMessage().lower()]
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(content)
    fonts = {font["name"].split("+", 1)[1]: font for font in pdf_fonts(pdf)}
    # Exactly the two faces the poster's CSS names (Debian fonts-noto-cjk), embedded as subsets.
    assert set(fonts) == {"Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC"}
    assert all(font["emb"] == "yes" and font["sub"] == "yes" for font in fonts.values())
