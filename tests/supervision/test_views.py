"""Organisation pages: every role against every page, positive and negative."""
import pytest
from django.urls import reverse

from schools.models import School
from supervision import access
from supervision.models import Zone, ZoneAssignment
from tests import factories as f

pytestmark = pytest.mark.django_db


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- Home routes each role to its workspace --------------------------------------------------------

@pytest.mark.parametrize(
    "who, target",
    [
        ("admin_a", "office_overview"),
        ("director_a", "office_overview"),
        ("city_viewer", "office_overview"),
        ("school_user_a1", "schools:my_school"),
    ],
)
def test_home_sends_each_role_to_its_workspace(client, world, who, target):
    response = get(client, world[who], reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(target)


def test_home_sends_a_supervisor_to_their_zones(client, world):
    response = get(client, world["sup_a1"].user, reverse("home"))
    assert response.url == reverse("supervisor_home")


def test_anonymous_visitor_is_sent_to_login(client, world):
    for name in ["home", "zone_list", "supervisor_list", "user_list", "office_overview"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_user_without_role_is_told_to_ask_the_admin(client, db):
    response = get(client, f.UserFactory(), reverse("home"))
    assert "尚未分配角色" in response.content.decode()


# --- Supervisor home -------------------------------------------------------------------------------

def test_supervisor_home_lists_exactly_the_schools_of_their_zones(client, world):
    body = get(client, world["sup_a1"].user, reverse("supervisor_home")).content.decode()
    assert "柳河县第一小学" in body and "柳河县第二中学" in body
    assert "三源浦镇中心小学" not in body
    assert "辉南县第一小学" not in body


def test_supervisor_home_is_404_for_non_supervisors(client, world):
    assert get(client, world["admin_a"], reverse("supervisor_home")).status_code == 404
    assert get(client, world["school_user_a1"], reverse("supervisor_home")).status_code == 404


# --- Office overview -------------------------------------------------------------------------------

def test_city_viewer_sees_both_counties_on_the_overview(client, world):
    response = get(client, world["city_viewer"], reverse("office_overview"))
    assert [o.name for o in response.context["offices"]] == [
        "通化市人民政府教育督导室", "辉南县人民政府教育督导室", "柳河县人民政府教育督导室"
    ]
    assert response.content.decode().count('data-testid="office-card"') == 3


def test_director_overview_shows_only_their_office_with_counts(client, world):
    response = get(client, world["director_a"], reverse("office_overview"))
    offices = response.context["offices"]
    assert [o.name for o in offices] == ["柳河县人民政府教育督导室"]
    assert offices[0].school_count == 4
    assert offices[0].unzoned_count == 1
    assert offices[0].kindergarten_count == 1
    assert "1 所学校尚未划入责任区" in response.content.decode()


@pytest.mark.parametrize("who", ["school_user_a1"])
def test_overview_is_404_for_school_users(client, world, who):
    assert get(client, world[who], reverse("office_overview")).status_code == 404


def test_overview_is_404_for_supervisors(client, world):
    assert get(client, world["sup_a1"].user, reverse("office_overview")).status_code == 404


# --- Zones ----------------------------------------------------------------------------------------

def test_zone_list_shows_the_office_zones_with_supervisors_and_counts(client, world):
    response = get(client, world["admin_a"], reverse("zone_list"))
    zones = {z.name: z for z in response.context["zones"]}
    assert set(zones) == {"城区第一责任区", "乡镇第一责任区"}
    assert zones["城区第一责任区"].school_count == 2
    assert "王督学" in response.content.decode()


def test_admin_creates_a_zone(client, world):
    client.force_login(world["admin_a"])
    response = client.post(
        reverse("zone_create"),
        {"name": "民办幼儿园责任区", "category": "private_kg", "office": world["county_a"].pk},
    )
    zone = Zone.objects.get(name="民办幼儿园责任区")
    assert zone.office == world["county_a"]
    assert response.url == reverse("zone_detail", args=[zone.pk])


def test_duplicate_zone_name_is_refused_with_a_chinese_message(client, world):
    client.force_login(world["admin_a"])
    response = client.post(
        reverse("zone_create"), {"name": "城区第一责任区", "category": "urban_schools", "office": world["county_a"].pk}
    )
    assert response.status_code == 400
    assert "已有名为“城区第一责任区”的责任区" in response.content.decode()
    assert Zone.objects.filter(name="城区第一责任区").count() == 1


def test_admin_cannot_create_a_zone_in_another_office(client, world):
    client.force_login(world["admin_a"])
    response = client.post(
        reverse("zone_create"), {"name": "越权责任区", "category": "urban_schools", "office": world["county_b"].pk}
    )
    assert response.status_code == 400
    assert not Zone.objects.filter(name="越权责任区").exists()


@pytest.mark.parametrize("who", ["director_a", "city_viewer", "school_user_a1", "admin_b"])
def test_only_the_office_admin_can_create_zones(client, world, who):
    client.force_login(world[who])
    response = client.post(
        reverse("zone_create"), {"name": "新责任区", "category": "urban_schools", "office": world["county_a"].pk}
    )
    assert response.status_code in (400, 404)
    assert not Zone.objects.filter(name="新责任区").exists()


def test_admin_bulk_assigns_schools_and_the_supervisor_sees_them_at_once(client, world):
    zone, a3, a4 = world["zone_a1"], world["schools"]["a3"], world["schools"]["a4"]
    client.force_login(world["admin_a"])
    response = client.post(reverse("zone_assign_schools", args=[zone.pk]), {"schools": [a3.pk, a4.pk], "action": "add"})
    assert response.status_code == 302
    assert set(School.objects.current(zone=zone).values_list("name", flat=True)) == {"柳河县第一小学", "柳河县第二中学", "三源浦镇中心小学", "柳河县实验幼儿园"}
    body = get(client, world["sup_a1"].user, reverse("supervisor_home")).content.decode()
    assert "三源浦镇中心小学" in body and "柳河县实验幼儿园" in body
    body = get(client, world["sup_a2"].user, reverse("supervisor_home")).content.decode()
    assert "三源浦镇中心小学" not in body


def test_admin_removes_schools_from_a_zone(client, world):
    zone, a1 = world["zone_a1"], world["schools"]["a1"]
    client.force_login(world["admin_a"])
    client.post(reverse("zone_assign_schools", args=[zone.pk]), {"schools": [a1.pk], "action": "remove"})
    assert f.zone_today(a1) is None


def test_a_school_of_another_office_cannot_be_put_into_the_zone(client, world):
    zone, b1 = world["zone_a1"], world["schools"]["b1"]
    client.force_login(world["admin_a"])
    client.post(reverse("zone_assign_schools", args=[zone.pk]), {"schools": [b1.pk], "action": "add"})
    assert f.zone_today(b1) == world["zone_b1"]


def test_admin_assigns_supervisors_with_one_lead(client, world):
    zone = world["zone_a1"]
    client.force_login(world["admin_a"])
    client.post(
        reverse("zone_assign_supervisors", args=[zone.pk]),
        {"supervisors": [world["sup_a1"].pk, world["sup_a2"].pk], "lead": world["sup_a2"].pk},
    )
    rows = {
        a.supervisor.name: a.is_lead
        for a in ZoneAssignment.objects.current().filter(zone=zone).select_related("supervisor")
    }
    assert rows == {"王督学": False, "李督学": True}


def test_lead_must_be_one_of_the_assigned_supervisors(client, world):
    zone = world["zone_a1"]
    client.force_login(world["admin_a"])
    response = client.post(
        reverse("zone_assign_supervisors", args=[zone.pk]),
        {"supervisors": [world["sup_a1"].pk], "lead": world["sup_a2"].pk},
        follow=True,
    )
    assert "组长必须是勾选的责任督学之一" in response.content.decode()
    assert ZoneAssignment.objects.current().get(zone=zone).supervisor == world["sup_a1"]


@pytest.mark.parametrize("who", ["director_a", "city_viewer", "admin_b"])
def test_non_admins_cannot_change_a_zone(client, world, who):
    zone = world["zone_a1"]
    client.force_login(world[who])
    assert client.post(reverse("zone_assign_schools", args=[zone.pk]), {"schools": [world["schools"]["a3"].pk]}).status_code == 404
    assert client.post(reverse("zone_assign_supervisors", args=[zone.pk]), {"supervisors": []}).status_code == 404
    assert client.post(reverse("zone_edit", args=[zone.pk]), {"name": "x", "category": "urban_schools"}).status_code == 404
    assert School.objects.current(zone=zone).count() == 2 and zone.assignments.current().count() == 1


def test_other_office_admin_and_school_user_cannot_open_the_zone(client, world):
    url = reverse("zone_detail", args=[world["zone_a1"].pk])
    assert get(client, world["admin_b"], url).status_code == 404
    assert get(client, world["school_user_a1"], url).status_code == 404
    assert get(client, world["sup_a2"].user, url).status_code == 404


def test_director_and_city_viewer_read_the_zone_without_edit_controls(client, world):
    url = reverse("zone_detail", args=[world["zone_a1"].pk])
    for who in ["director_a", "city_viewer"]:
        response = get(client, world[who], url)
        assert response.status_code == 200
        assert "保存责任督学" not in response.content.decode()


# --- Supervisors ----------------------------------------------------------------------------------

def test_admin_adds_a_part_time_supervisor_whose_login_is_not_the_phone(client, world):
    client.force_login(world["admin_a"])
    response = client.post(
        reverse("supervisor_create"),
        {"name": "孙督学", "kind": "part_time", "phone": "13812345678", "employer": "柳河县实验小学",
         "title": "副校长", "duties": "", "is_active": "on", "office": world["county_a"].pk},
    )
    assert response.status_code == 302
    sup = world["county_a"].supervisors.get(name="孙督学")
    assert sup.user.username == "dx220524001"  # a login name of its own: the phone is on the plaque
    assert sup.user.groups.filter(name="supervisor").exists()


def test_bad_phone_keeps_the_form_and_says_why(client, world):
    client.force_login(world["admin_a"])
    response = client.post(
        reverse("supervisor_create"),
        {"name": "孙督学", "kind": "part_time", "phone": "12345", "employer": "某校", "office": world["county_a"].pk},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请输入有效的手机号" in body
    assert 'value="某校"' in body


def _jpeg_with_exif(size=(2400, 1600)) -> bytes:
    """A camera photo: large, with EXIF (camera model, GPS position) a plaque must not publish."""
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x0110] = "督学的手机"  # Model
    exif[0x8825] = {1: "N", 2: (41.0, 41.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format="JPEG", exif=exif, quality=95)
    return out.getvalue()


def _edit_form(supervisor, **changes) -> dict:
    data = {"name": supervisor.name, "kind": supervisor.kind, "phone": supervisor.phone,
            "employer": supervisor.employer, "title": supervisor.title, "duties": supervisor.duties, "is_active": "on", "office": supervisor.office_id}
    return {**data, **changes}


def test_admin_saves_a_supervisors_photo_and_only_the_re_encoded_jpeg_is_stored_and_served(client, world, media_root):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    supervisor = world["sup_a1"]
    original = _jpeg_with_exif()
    assert Image.open(io.BytesIO(original)).getexif()  # the upload does carry EXIF
    client.force_login(world["admin_a"])

    response = client.post(reverse("supervisor_edit", args=[supervisor.pk]), _edit_form(
        supervisor, title="专职督学", photo=SimpleUploadedFile("IMG_0001.jpg", original, content_type="image/jpeg")))

    assert response.status_code == 302
    supervisor.refresh_from_db()
    assert supervisor.title == "专职督学"
    stored = [p for p in (media_root / "supervisors").rglob("*") if p.is_file()]
    assert stored == [media_root / supervisor.photo.name]  # no raw upload beside it
    data = stored[0].read_bytes()
    assert data != original
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and max(image.size) == 800 and image.size == (800, 533)
    assert not image.getexif() and "exif" not in image.info
    served = client.get(reverse("supervisor_photo", args=[supervisor.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == data


@pytest.mark.parametrize("upload", [b"not an image at all", _jpeg_with_exif()[:2000]], ids=["text", "broken-jpeg"])
def test_a_photo_that_is_not_an_image_is_refused_in_chinese_and_the_typed_fields_stay(
    client, world, media_root, upload
):
    import weasyprint.images  # noqa: F401 — as in a server that printed a PDF: Pillow told to accept truncated images
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    supervisor = world["sup_a1"]
    client.force_login(world["admin_a"])

    response = client.post(reverse("supervisor_edit", args=[supervisor.pk]), _edit_form(
        supervisor, employer="柳河县第五中学", photo=SimpleUploadedFile("照片.jpg", upload, content_type="image/jpeg")))

    assert response.status_code == 400
    body = response.content.decode()
    assert "上传的文件不是有效的图片" in body and 'value="柳河县第五中学"' in body
    supervisor.refresh_from_db()
    assert supervisor.employer != "柳河县第五中学" and not supervisor.photo  # nothing saved
    assert not (media_root / "supervisors").exists() or not any((media_root / "supervisors").iterdir())


def test_photos_stored_raw_before_the_fix_are_re_encoded_once_by_the_command(world, media_root):
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from PIL import Image

    supervisor = world["sup_a1"]
    supervisor.photo.save("IMG_0001.jpg", ContentFile(_jpeg_with_exif()), save=True)  # as the bug stored it
    raw = media_root / supervisor.photo.name

    call_command("supervisor_photos_reencode")

    supervisor.refresh_from_db()
    assert not raw.exists() and supervisor.photo.name == f"supervisors/{supervisor.pk}.jpg"
    image = Image.open(media_root / supervisor.photo.name)
    assert max(image.size) == 800 and not image.getexif()
    stamp = (media_root / supervisor.photo.name).stat().st_mtime_ns
    call_command("supervisor_photos_reencode")  # already re-encoded: left alone
    assert (media_root / supervisor.photo.name).stat().st_mtime_ns == stamp
    assert [p.name for p in (media_root / "supervisors").iterdir()] == [f"{supervisor.pk}.jpg"]


def test_supervisor_list_is_scoped(client, world):
    names = {s.name for s in get(client, world["director_a"], reverse("supervisor_list")).context["page"]}
    assert names == {"王督学", "李督学"}
    names = {s.name for s in get(client, world["city_viewer"], reverse("supervisor_list")).context["page"]}
    assert names == {"王督学", "李督学", "赵督学"}
    names = {s.name for s in get(client, world["sup_a1"].user, reverse("supervisor_list")).context["page"]}
    assert names == {"王督学"}
    assert not list(get(client, world["school_user_a1"], reverse("supervisor_list")).context["page"])


def test_admin_cannot_edit_another_offices_supervisor(client, world):
    assert get(client, world["admin_a"], reverse("supervisor_edit", args=[world["sup_b1"].pk])).status_code == 404
    assert get(client, world["director_a"], reverse("supervisor_edit", args=[world["sup_a1"].pk])).status_code == 404


# --- Users ----------------------------------------------------------------------------------------

def test_admin_creates_a_school_contact_who_sees_only_that_school(client, world):
    school = world["schools"]["a2"]
    client.force_login(world["admin_a"])
    response = client.post(
        reverse("user_create"),
        {"name": "二中联系人", "username": "erzhong", "role": "school_user", "school": school.pk,
         "password": "Kx9-long-pass", "office": world["county_a"].pk},
    )
    assert response.status_code == 302
    client.logout()
    assert client.login(username="erzhong", password="Kx9-long-pass")
    # The password the admin chose is changed first (supervision.accounts.gate), then the school list.
    assert client.get(reverse("schools:list")).url.startswith(reverse("accounts:password_change"))
    own = "Ziji-Mima-2027"
    client.post(reverse("accounts:password_change"),
                {"old_password": "Kx9-long-pass", "new_password": own, "new_password_again": own})
    response = client.get(reverse("schools:list"))
    assert [s.name for s in response.context["page"]] == ["柳河县第二中学"]


def test_school_contact_needs_a_school_of_the_office(client, world):
    client.force_login(world["admin_a"])
    response = client.post(
        reverse("user_create"),
        {"name": "越权", "username": "yuequan", "role": "school_user", "school": world["schools"]["b1"].pk,
         "password": "Kx9-long-pass", "office": world["county_a"].pk},
    )
    assert response.status_code == 400
    assert not f.User.objects.filter(username="yuequan").exists()


def test_user_list_shows_only_the_office_users(client, world):
    names = {u.username for u in get(client, world["admin_a"], reverse("user_list")).context["page"]}
    assert {"admin_a", "director_a", "school_a1", world["sup_a1"].user.username} <= names
    assert "admin_b" not in names and "city_viewer" not in names


@pytest.mark.parametrize("who", ["director_a", "city_viewer", "school_user_a1"])
def test_user_pages_are_for_admins_only(client, world, who):
    assert get(client, world[who], reverse("user_list")).status_code == 404


# --- Constant queries -----------------------------------------------------------------------------

def _grow(office, n):
    for i in range(n):
        zone = f.ZoneFactory(office=office)
        sup = f.SupervisorFactory(office=office)
        ZoneAssignment.objects.create(zone=zone, supervisor=sup, is_lead=True)
        f.SchoolFactory.create_batch(3, office=office, zone=zone)


@pytest.mark.parametrize("url_name", ["zone_list", "supervisor_list", "user_list", "office_overview"])
def test_list_pages_run_a_constant_number_of_queries(client, world, django_assert_max_num_queries, url_name):
    client.force_login(world["admin_a"])
    client.get(reverse(url_name))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url_name)).status_code == 200
    _grow(world["county_a"], 25)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse(url_name)).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_supervisor_home_runs_a_constant_number_of_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = world["sup_a1"].user
    client.force_login(user)
    client.get(reverse("supervisor_home"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("supervisor_home"))
    for _ in range(5):
        zone = f.ZoneFactory(office=world["county_a"])
        ZoneAssignment.objects.create(zone=zone, supervisor=world["sup_a1"], valid_from=f.roster_start())
        f.SchoolFactory.create_batch(10, office=world["county_a"], zone=zone)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("supervisor_home"))
    assert len(response.context["zones"]) == 6
    assert len(large) == len(small)
    assert access.schools_of_supervisor(world["sup_a1"].user).count() == 52


def test_admin_resets_an_imported_supervisors_password_and_they_can_log_in(client, world):
    sup = world["sup_a2"]
    sup.user.set_unusable_password()
    sup.user.save()
    client.force_login(world["admin_a"])
    response = client.post(reverse("user_password_reset", args=[sup.user.pk]))
    password = response.context["password"]
    assert password in response.content.decode()
    client.logout()
    assert client.login(username=sup.user.username, password=password)


@pytest.mark.parametrize("who, target", [("admin_a", "admin_b"), ("director_a", "sup_a1"), ("admin_b", "school_user_a1")])
def test_password_reset_is_only_for_the_admin_of_the_users_office(client, world, who, target):
    user = world[target].user if target.startswith("sup_") else world[target]
    client.force_login(world[who])
    assert client.post(reverse("user_password_reset", args=[user.pk])).status_code == 404


def test_unassigned_filter_lists_each_supervisor_once(client, world):
    from supervision.services import zone_set_supervisors

    zone_set_supervisors(zone=world["zone_a2"], supervisors=[world["sup_a1"], world["sup_a2"]], lead=world["sup_a2"])
    free = f.SupervisorFactory(office=world["county_a"], name="未分配督学")
    client.force_login(world["admin_a"])
    assigned = [s.name for s in client.get(reverse("supervisor_list") + "?unassigned=false").context["page"]]
    assert sorted(assigned) == ["李督学", "王督学"]
    assert [s.name for s in client.get(reverse("supervisor_list") + "?unassigned=true").context["page"]] == [free.name]


def test_admin_and_director_get_the_print_all_plaques_button_viewers_do_not(client, world):
    zone_url = reverse("zone_detail", args=[world["zone_a1"].pk])
    for who, expected in [("admin_a", True), ("director_a", True), ("city_viewer", False)]:
        client.force_login(world[who])
        assert ("打印本责任区挂牌海报" in client.get(zone_url).content.decode()) is expected, who
        assert ("打印全部挂牌海报" in client.get(reverse("office_overview")).content.decode()) is expected, who
