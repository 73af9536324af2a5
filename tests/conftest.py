import datetime as dt
import os

import pytest
import time_machine

from supervision.choices import OfficeLevel, Role
from supervision.services import zone_set_supervisors

from . import factories as f
from .celery_fixtures import _celery_mode, celery_broker_down, celery_worker, media_root, unwritable_media_root  # noqa: F401
from .redis_server import private_redis  # noqa: F401


SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# The instant every test runs at unless it says otherwise: an ordinary weekday morning in Shanghai,
# before the 20th's reminders and the 27th. ``TEST_NOW=2026-12-31T23:30 ./test.sh`` moves the whole suite.
DEFAULT_NOW = "2026-11-18T09:30:00"


def shanghai(value: str | dt.datetime | dt.date) -> dt.datetime:
    """An instant given as Shanghai wall-clock time ("2026-12-31 23:30", a date = 09:30 that day)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(9, 30))
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


class Clock:
    """The test's clock (time-machine): every "now" and "today" of the product reads it, in this
    process and in its threads (the live server, the Celery worker)."""

    def __init__(self, traveller):
        self._traveller = traveller

    def move_to(self, value) -> dt.datetime:
        instant = shanghai(value)
        self._traveller.move_to(instant)
        return instant

    @property
    def now(self) -> dt.datetime:
        return dt.datetime.now(SHANGHAI)

    @property
    def today(self) -> dt.date:
        return self.now.date()


def pytest_configure(config):
    config.addinivalue_line("markers", "now(instant): run the test at this Shanghai instant (time-machine)")


@pytest.fixture(autouse=True)
def clock(request):
    """No test reads the wall clock: each runs at ``@pytest.mark.now(...)``, else TEST_NOW, else DEFAULT_NOW
    (Shanghai time), and the clock ticks on from there."""
    marker = request.node.get_closest_marker("now")
    instant = shanghai(marker.args[0] if marker else os.environ.get("TEST_NOW") or DEFAULT_NOW)
    with time_machine.travel(instant, tick=True) as traveller:
        yield Clock(traveller)


@pytest.fixture(autouse=True)
def _chinese_first():
    """Each test starts in the product's language (zh-hans): a request in English leaves English active
    in the thread (LocaleMiddleware activates, nothing deactivates), which would leak into the next test."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.5 s a user; tests make dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """A province > city > two counties, with zones, schools, supervisors and a login per role.

    County A: zone A1 (schools a1, a2; supervisor sup_a1 lead), zone A2 (school a3; sup_a2),
    school a4 not in a zone. County B: zone B1 (school b1; sup_b1).
    """
    return world_build()


def world_build() -> dict:
    """The ``world`` fixture's objects (a module-scoped fixture builds them once, see tests/test_api_fuzz.py)."""
    province = f.OfficeFactory(name="吉林省人民政府教育督导室", level=OfficeLevel.PROVINCE, division_code="220000")
    city = f.OfficeFactory(name="通化市人民政府教育督导室", level=OfficeLevel.CITY, parent=province, division_code="220500")
    county_a = f.OfficeFactory(name="柳河县人民政府教育督导室", parent=city, division_code="220524")
    county_b = f.OfficeFactory(name="辉南县人民政府教育督导室", parent=city, division_code="220523")
    zone_a1 = f.ZoneFactory(office=county_a, name="城区第一责任区")
    zone_a2 = f.ZoneFactory(office=county_a, name="乡镇第一责任区")
    zone_b1 = f.ZoneFactory(office=county_b, name="辉南城区责任区")
    schools = {
        "a1": f.SchoolFactory(office=county_a, zone=zone_a1, name="柳河县第一小学"),
        "a2": f.SchoolFactory(office=county_a, zone=zone_a1, name="柳河县第二中学", kind="junior"),
        "a3": f.SchoolFactory(office=county_a, zone=zone_a2, name="三源浦镇中心小学", location="town"),
        "a4": f.SchoolFactory(office=county_a, zone=None, name="柳河县实验幼儿园", kind="kindergarten"),
        "b1": f.SchoolFactory(office=county_b, zone=zone_b1, name="辉南县第一小学"),
    }
    sup_a1 = f.SupervisorFactory(office=county_a, name="王督学")
    sup_a2 = f.SupervisorFactory(office=county_a, name="李督学", kind="part_time", employer="柳河县第三小学")
    sup_b1 = f.SupervisorFactory(office=county_b, name="赵督学")
    since = f.roster_start()
    zone_set_supervisors(zone=zone_a1, supervisors=[sup_a1], lead=sup_a1, on=since)
    zone_set_supervisors(zone=zone_a2, supervisors=[sup_a2], lead=sup_a2, on=since)
    zone_set_supervisors(zone=zone_b1, supervisors=[sup_b1], lead=sup_b1, on=since)
    return {
        "province": province,
        "city": city,
        "county_a": county_a,
        "county_b": county_b,
        "zone_a1": zone_a1,
        "zone_a2": zone_a2,
        "zone_b1": zone_b1,
        "schools": schools,
        "sup_a1": sup_a1,
        "sup_a2": sup_a2,
        "sup_b1": sup_b1,
        "admin_a": f.office_user(Role.OFFICE_ADMIN, county_a, username="admin_a"),
        "director_a": f.office_user(Role.DIRECTOR, county_a, username="director_a"),
        "city_viewer": f.office_user(Role.VIEWER, city, username="city_viewer"),
        "province_viewer": f.office_user(Role.VIEWER, province, username="province_viewer"),
        "school_user_a1": f.school_user(schools["a1"], username="school_a1"),
        "admin_b": f.office_user(Role.OFFICE_ADMIN, county_b, username="admin_b"),
    }
