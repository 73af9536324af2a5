"""Each act an auditor must be able to reconstruct is in the log, with who did it, from where."""
import io
from pathlib import Path

from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from supervision.audit.choices import AuditAction
from supervision.audit.models import AuditEntry
from supervision.choices import Role
from tests import factories as f

BROWSER = {"REMOTE_ADDR": "10.20.30.40", "HTTP_USER_AGENT": "Mozilla/5.0 (审计测试)"}


def entries(action, **filters):
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("seq"))


def test_a_login_is_recorded_with_the_actor_their_office_address_and_browser(client, world):
    response = client.post(reverse("login"), {"username": "admin_a", "password": f.PASSWORD}, **BROWSER)
    assert response.status_code == 302
    (entry,) = entries(AuditAction.LOGIN)
    assert entry.actor == world["admin_a"]
    assert entry.office == world["county_a"]
    assert (entry.address, entry.user_agent) == ("10.20.30.40", "Mozilla/5.0 (审计测试)")


def test_a_failed_login_names_the_account_tried_never_the_password_and_its_office(client, world):
    response = client.post(reverse("login"), {"username": "admin_a", "password": "wrong-Guess-1"}, **BROWSER)
    assert response.status_code == 200
    (entry,) = entries(AuditAction.LOGIN_FAILED)
    assert entry.actor is None
    assert entry.object_repr == "admin_a"
    assert entry.office == world["county_a"]  # the office whose account is being guessed reads it
    assert entry.address == "10.20.30.40"
    assert "wrong-Guess-1" not in entry.canonical()


def test_a_failed_api_token_login_is_recorded_too(client, world):
    response = client.post("/api/v1/auth/token/", {"username": "director_a", "password": "nope-Nope-1"}, **BROWSER)
    assert response.status_code == 400
    (entry,) = entries(AuditAction.LOGIN_FAILED)
    assert (entry.object_repr, entry.address) == ("director_a", "10.20.30.40")


def test_a_logout_is_recorded(client, world):
    client.force_login(world["director_a"])
    client.post(reverse("logout"), **BROWSER)
    (entry,) = entries(AuditAction.LOGOUT)
    assert entry.actor == world["director_a"]
    assert entry.address == "10.20.30.40"


def test_a_password_change_by_the_user_and_a_reset_by_the_admin_are_told_apart(client, world):
    director = world["director_a"]
    client.force_login(director)
    response = client.post("/api/v1/auth/password/", {"old_password": f.PASSWORD, "new_password": "Xin-Mima-2027"}, **BROWSER)
    assert response.status_code == 204
    (change,) = entries(AuditAction.PASSWORD_CHANGE)
    assert (change.actor, change.object_id, change.address) == (director, str(director.pk), "10.20.30.40")
    assert "Xin-Mima-2027" not in change.canonical()

    client.force_login(world["admin_a"])
    client.post(reverse("user_password_reset", args=[director.pk]), **BROWSER)
    (reset,) = entries(AuditAction.PASSWORD_RESET, actor=world["admin_a"])
    assert (reset.actor, reset.object_id) == (world["admin_a"], str(director.pk))
    # The password's hash is never written into the log as a changed value.
    assert not AuditEntry.objects.filter(changes__has_key="password").exists()


def test_a_role_granted_through_the_api_records_the_group_and_the_office_permission(client, world):
    newcomer = f.school_user(world["schools"]["a1"], username="newcomer")
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    client.force_login(world["admin_a"])
    response = client.post(f"/api/v1/users/{newcomer.pk}/grant/", {"role": Role.DIRECTOR, "office": world["county_a"].pk},
                           content_type="application/json", **BROWSER)
    assert response.status_code == 200, response.content
    granted = list(AuditEntry.objects.filter(seq__gt=before, action=AuditAction.PERMISSION_CHANGE))
    types = {e.object_type for e in granted}
    assert {"supervision.officeuserobjectpermission", "auth.user"} <= types
    group_change = next(e for e in granted if e.object_type == "auth.user")
    assert group_change.changes["groups"]["operation"] == "add"
    assert Role.DIRECTOR in group_change.changes["groups"]["objects"]
    assert all(e.actor == world["admin_a"] and e.address == "10.20.30.40" for e in granted)


def test_a_zone_assignment_is_a_permission_change(client, world):
    client.force_login(world["admin_a"])
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    zone = world["zone_a1"]
    response = client.post(reverse("zone_assign_supervisors", args=[zone.pk]), {
        "supervisors": [world["sup_a1"].pk, world["sup_a2"].pk], "lead": world["sup_a1"].pk,
    }, **BROWSER)
    assert response.status_code == 302
    assigned = AuditEntry.objects.filter(seq__gt=before, action=AuditAction.PERMISSION_CHANGE,
                                         object_type="supervision.zoneassignment")
    assert assigned.exists()
    assert {e.actor for e in assigned} == {world["admin_a"]}


def test_editing_a_zone_shows_before_and_after(client, world):
    zone = world["zone_a1"]
    client.force_login(world["admin_a"])
    response = client.post(reverse("zone_edit", args=[zone.pk]), {
        "name": "城区第一责任区(调整)", "category": zone.category, "description": "", "office": zone.office_id,
    }, **BROWSER)
    assert response.status_code == 302
    (entry,) = entries(AuditAction.UPDATE, object_type="supervision.zone")
    assert entry.changes["name"] == ["城区第一责任区", "城区第一责任区(调整)"]
    assert (entry.actor, entry.office, entry.object_id) == (world["admin_a"], world["county_a"], str(zone.pk))


def test_creating_and_deleting_a_zone_are_recorded(client, world):
    from supervision.services import zone_delete, zone_save

    zone = zone_save(office=world["county_a"], zone=None, name="临时责任区", category=world["zone_a1"].category, description="")
    zone_id = zone.pk
    zone_delete(zone=zone)
    created = entries(AuditAction.CREATE, object_type="supervision.zone", object_id=str(zone_id))
    deleted = entries(AuditAction.DELETE, object_type="supervision.zone", object_id=str(zone_id))
    assert created and created[0].changes["name"][1] == "临时责任区"
    assert deleted and deleted[0].object_repr == "临时责任区"


def test_an_export_is_recorded_with_the_file_and_its_filters(client, world):
    client.force_login(world["admin_a"])
    response = client.get(reverse("inspections:ledger_export"), {"status": "open", "year": ""}, **BROWSER)
    assert response.status_code == 200
    load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # a real workbook was handed out
    (entry,) = entries(AuditAction.EXPORT)
    assert entry.actor == world["admin_a"]
    assert entry.object_repr.endswith(".xlsx") and "问题整改台账" in entry.object_repr
    assert entry.details["filters"] == {"status": "open"}
    assert entry.details["view"] == "inspections:ledger_export"
    assert entry.address == "10.20.30.40"


def test_a_download_of_a_stored_file_is_recorded(client, world, media_root):
    from django.core.files.base import ContentFile

    from supervision.services import supervisor_set_photo

    supervisor = world["sup_a1"]
    jpeg = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(jpeg, "JPEG")
    supervisor_set_photo(supervisor=supervisor, photo=ContentFile(jpeg.getvalue(), name="wang.jpg"))
    client.force_login(world["director_a"])
    response = client.get(reverse("supervisor_photo", args=[supervisor.pk]), **BROWSER)
    assert response.status_code == 200
    (entry,) = entries(AuditAction.DOWNLOAD)
    assert entry.actor == world["director_a"]
    assert entry.object_id == str(supervisor.pk)
    assert entry.details["file"] == Path(supervisor.photo.name).name  # the re-encoded copy, the only one served
