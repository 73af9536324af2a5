"""Who sees what: every role against schools, zones, supervisors and offices."""
import pytest

from supervision import access
from supervision.services import zone_assign_schools

pytestmark = pytest.mark.django_db


def names(qs):
    return sorted(o.name for o in qs)


def test_supervisor_sees_exactly_the_schools_of_their_zones(world):
    assert names(access.schools_visible_to(world["sup_a1"].user)) == ["柳河县第一小学", "柳河县第二中学"]
    assert names(access.schools_visible_to(world["sup_a2"].user)) == ["三源浦镇中心小学"]


def test_school_user_sees_only_their_own_school(world):
    assert names(access.schools_visible_to(world["school_user_a1"])) == ["柳河县第一小学"]
    assert names(access.zones_visible_to(world["school_user_a1"])) == []
    assert names(access.supervisors_visible_to(world["school_user_a1"])) == []


def test_director_sees_the_whole_office_and_nothing_of_the_neighbour(world):
    seen = names(access.schools_visible_to(world["director_a"]))
    assert seen == sorted(s.name for k, s in world["schools"].items() if k.startswith("a"))
    assert "辉南县第一小学" not in seen
    assert names(access.offices_overseen_by(world["director_a"])) == ["柳河县人民政府教育督导室"]


def test_city_viewer_sees_both_counties_but_not_the_province(world):
    assert len(access.schools_visible_to(world["city_viewer"])) == 5
    assert names(access.offices_overseen_by(world["city_viewer"])) == sorted(
        ["通化市人民政府教育督导室", "柳河县人民政府教育督导室", "辉南县人民政府教育督导室"]
    )


def test_province_viewer_sees_the_whole_subtree(world):
    assert access.offices_overseen_by(world["province_viewer"]).count() == 4
    assert access.schools_visible_to(world["province_viewer"]).count() == 5


def test_office_admin_manages_only_their_own_office(world):
    assert names(access.offices_managed_by(world["admin_a"])) == ["柳河县人民政府教育督导室"]
    assert not access.can_manage_office(world["admin_a"], world["county_b"])
    assert not access.offices_managed_by(world["director_a"]).exists()
    assert not access.offices_managed_by(world["city_viewer"]).exists()


def test_moving_a_school_to_another_zone_moves_who_can_see_it_at_once(world):
    school = world["schools"]["a3"]
    assert school in access.schools_visible_to(world["sup_a2"].user)
    zone_assign_schools(zone=world["zone_a1"], schools=[school])
    assert school not in access.schools_visible_to(world["sup_a2"].user)
    assert school in access.schools_visible_to(world["sup_a1"].user)


def test_inactive_supervisor_loses_their_schools(world):
    sup = world["sup_a1"]
    sup.is_active = False
    sup.save()
    assert not access.schools_visible_to(sup.user).exists()
