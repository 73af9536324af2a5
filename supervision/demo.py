"""A realistic, fictional county office for demos and screenshots (``manage.py seed_demo``).

东江省 > 临川市 > 柳溪县 (the demo tenant) and 桃源区 (a neighbour, so higher offices see a roll-up).
Every write goes through the services, and every step upserts by a natural key, so running the
seed twice changes nothing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from schools.choices import Location, Ownership, SchoolKind
from schools.models import School
from schools.services import UNCHANGED, school_close, school_move, school_save

from . import clock
from .choices import OfficeLevel, Role, SupervisorKind, ZoneCategory
from .models import Office, Supervisor, Zone
from .services import role_grant, supervisor_save, zone_save, zone_set_supervisors

User = get_user_model()
DEMO_PASSWORD = "Demo@2026"
DEMO_TENANT_CODE = "990524"  # 柳溪县, the county office the demo is about

OFFICES = [
    # key, name, level, parent key, division code, phone, address
    ("province", "东江省人民政府教育督导室", OfficeLevel.PROVINCE, None, "990000", "0431-88880000", "东江省江城市人民大街1号"),
    ("city", "临川市人民政府教育督导室", OfficeLevel.CITY, "province", "990500", "0435-32100000", "临川市新华路88号"),
    ("county", "柳溪县人民政府教育督导室", OfficeLevel.COUNTY, "city", "990524", "0435-72345678", "柳溪县柳溪镇建设街16号"),
    ("neighbour", "桃源区人民政府教育督导室", OfficeLevel.COUNTY, "city", "990502", "0435-36540000", "临川市桃源区文化路3号"),
]

ZONES = [
    # key, office key, name, category
    ("urban", "county", "城区学校责任区", ZoneCategory.URBAN_SCHOOLS),
    ("township1", "county", "乡镇学校第一责任区", ZoneCategory.TOWNSHIP_SCHOOLS),
    ("township2", "county", "乡镇学校第二责任区", ZoneCategory.TOWNSHIP_SCHOOLS),
    ("through", "county", "一贯制学校责任区", ZoneCategory.THROUGH_TRAIN),
    ("public_kg", "county", "公办幼儿园责任区", ZoneCategory.PUBLIC_KINDERGARTENS),
    ("private_kg", "county", "民办幼儿园责任区", ZoneCategory.PRIVATE_KINDERGARTENS),
    ("tutoring", "county", "校外培训机构责任区", ZoneCategory.TUTORING),
    ("ty_urban", "neighbour", "桃源城区责任区", ZoneCategory.URBAN_SCHOOLS),
    ("ty_kg", "neighbour", "桃源幼儿园责任区", ZoneCategory.PUBLIC_KINDERGARTENS),
]

P, J, N, T, C, S, K, A, X = (
    SchoolKind.PRIMARY,
    SchoolKind.JUNIOR,
    SchoolKind.NINE_YEAR,
    SchoolKind.TWELVE_YEAR,
    SchoolKind.COMPLETE_SECONDARY,
    SchoolKind.SENIOR,
    SchoolKind.KINDERGARTEN,
    SchoolKind.ADULT,
    SchoolKind.TUTORING,
)
U, TW, R = Location.URBAN, Location.TOWN, Location.RURAL
PUB, PRI = Ownership.PUBLIC, Ownership.PRIVATE

SCHOOLS = [
    # name, kind, location, ownership, zone key, principal, address
    ("柳溪县第一实验小学", P, U, PUB, "urban", "陈淑华", "柳溪镇建设街22号"),
    ("柳溪县第二实验小学", P, U, PUB, "urban", "刘志强", "柳溪镇文化路9号"),
    ("柳溪县城南小学", P, U, PUB, "urban", "孙丽", "柳溪镇南环路5号"),
    ("柳溪县城北小学", P, U, PUB, "urban", "周文斌", "柳溪镇北山街31号"),
    ("柳溪县实验中学", J, U, PUB, "urban", "吴海涛", "柳溪镇育才路2号"),
    ("柳溪县第二中学", J, U, PUB, "urban", "郑国庆", "柳溪镇团结街18号"),
    ("柳溪县第一中学", C, U, PUB, "urban", "冯建军", "柳溪镇一中路1号"),
    ("柳溪县高级中学", S, U, PUB, "urban", "褚明远", "柳溪镇高中路6号"),
    ("柳溪县成人文化技术学校", A, U, PUB, "urban", "卫东", "柳溪镇职教路3号"),
    ("柳溪县育英中学", J, U, PRI, "urban", "蒋立新", "柳溪镇滨河路40号"),
    ("三源镇中心小学", P, TW, PUB, "township1", "沈玉梅", "三源镇中心街7号"),
    ("三源镇中学", J, TW, PUB, "township1", "韩志刚", "三源镇学府路2号"),
    ("安口镇中心小学", P, TW, PUB, "township1", "杨秀兰", "安口镇安兴街12号"),
    ("安口镇初级中学", J, TW, PUB, "township1", "朱宏伟", "安口镇东山路8号"),
    ("向阳乡中心小学", P, R, PUB, "township1", "秦丽娟", "向阳乡向阳村"),
    ("向阳乡中学", J, R, PUB, "township1", "尤振华", "向阳乡政府路1号"),
    ("圣水镇中心小学", P, TW, PUB, "township2", "许春燕", "圣水镇圣水街5号"),
    ("圣水镇中学", J, TW, PUB, "township2", "何立军", "圣水镇中学路3号"),
    ("凉水河镇小学", P, R, PUB, "township2", "吕海燕", "凉水河镇凉水村"),
    ("时家店乡中心小学", P, R, PUB, "township2", "施永刚", "时家店乡时家店村"),
    ("孤山子镇中心小学", P, TW, PUB, "township2", "张桂芝", "孤山子镇孤山街2号"),
    ("五道沟镇中学", J, R, PUB, "township2", "孔德明", "五道沟镇五道沟村"),
    ("兴华乡中心小学", P, R, PUB, "township2", "曹红梅", "兴华乡兴华村"),
    ("柳溪县实验学校", N, U, PUB, "through", "严文静", "柳溪镇新城大街100号"),
    ("红石镇九年一贯制学校", N, TW, PUB, "through", "华建平", "红石镇红石街1号"),
    ("姜家店乡九年一贯制学校", N, R, PUB, "through", "金宝山", "姜家店乡姜家店村"),
    ("亨通镇九年一贯制学校", N, TW, PUB, "through", "魏丽萍", "亨通镇亨通街6号"),
    ("驼腰岭镇九年一贯制学校", N, R, PUB, "through", "陶国栋", "驼腰岭镇驼腰岭村"),
    ("柳溪县十二年一贯制学校", T, U, PRI, "through", "姜云飞", "柳溪镇学苑路8号"),
    ("柳溪县外国语学校", N, U, PRI, "through", "戚美玲", "柳溪镇湖滨路12号"),
    ("柳溪县第一幼儿园", K, U, PUB, "public_kg", "谢雨婷", "柳溪镇建设街30号"),
    ("柳溪县第二幼儿园", K, U, PUB, "public_kg", "邹晓燕", "柳溪镇文化路15号"),
    ("柳溪县实验幼儿园", K, U, PUB, "public_kg", "喻静", "柳溪镇育才路9号"),
    ("三源镇中心幼儿园", K, TW, PUB, "public_kg", "柏丽华", "三源镇中心街20号"),
    ("安口镇中心幼儿园", K, TW, PUB, "public_kg", "水彩霞", "安口镇安兴街3号"),
    ("红石镇中心幼儿园", K, TW, PUB, "public_kg", "窦美娟", "红石镇红石街9号"),
    ("蓝天幼儿园", K, U, PRI, "private_kg", "章蓓", "柳溪镇滨河路2号"),
    ("小太阳幼儿园", K, U, PRI, "private_kg", "云晓丽", "柳溪镇南环路33号"),
    ("金色童年幼儿园", K, U, PRI, "private_kg", "苏敏", "柳溪镇北山街8号"),
    ("育才双语幼儿园", K, U, PRI, "private_kg", "潘红", "柳溪镇新城大街66号"),
    ("七彩虹幼儿园", K, TW, PRI, "private_kg", "葛丽丽", "三源镇学府路10号"),
    ("贝贝乐幼儿园", K, TW, PRI, "private_kg", "奚艳", "安口镇东山路21号"),
    ("启航学科培训学校", X, U, PRI, "tutoring", "范志远", "柳溪镇商业街5号3楼"),
    ("博雅艺术培训中心", X, U, PRI, "tutoring", "彭丽", "柳溪镇文化路27号"),
    ("新思维教育培训学校", X, U, PRI, "tutoring", "郎宏", "柳溪镇滨河路18号2楼"),
    ("桃源区实验小学", P, U, PUB, "ty_urban", "鲁建华", "桃源区文化路10号"),
    ("桃源区第一中学", J, U, PUB, "ty_urban", "韦国强", "桃源区和平街2号"),
    ("桃源区育红小学", P, U, PUB, "ty_urban", "昌丽", "桃源区育红路6号"),
    ("桃源区第三中学", J, U, PUB, "ty_urban", "马卫国", "桃源区三中路1号"),
    ("桃源区第一幼儿园", K, U, PUB, "ty_kg", "苗红", "桃源区文化路20号"),
    ("桃源区机关幼儿园", K, U, PUB, "ty_kg", "凤玲", "桃源区和平街15号"),
]

SUPERVISORS = [
    # phone, name, kind, employer, title, office key, zones (lead first), leads
    ("13904350001", "王建国", SupervisorKind.FULL_TIME, "", "专职督学", "county", ["urban"], ["urban"]),
    ("13904350002", "李秀英", SupervisorKind.PART_TIME, "柳溪县第二实验小学", "副校长", "county", ["urban"], []),
    ("13904350003", "张志明", SupervisorKind.FULL_TIME, "", "专职督学", "county", ["township1"], ["township1"]),
    ("13904350004", "刘桂兰", SupervisorKind.PART_TIME, "三源镇中学", "教导主任", "county", ["township1"], []),
    ("13904350005", "陈立新", SupervisorKind.FULL_TIME, "", "专职督学", "county", ["township2"], ["township2"]),
    ("13904350006", "杨永红", SupervisorKind.FULL_TIME, "", "专职督学", "county", ["through"], ["through"]),
    ("13904350007", "赵丽娜", SupervisorKind.PART_TIME, "柳溪县第一幼儿园", "副园长", "county", ["public_kg", "private_kg"], ["public_kg"]),
    ("13904350008", "黄淑珍", SupervisorKind.FULL_TIME, "", "专职督学", "county", ["private_kg"], ["private_kg"]),
    ("13904350009", "周海波", SupervisorKind.PART_TIME, "柳溪县教师进修学校", "教研员", "county", ["tutoring"], ["tutoring"]),
    ("13904350010", "徐文华", SupervisorKind.FULL_TIME, "", "专职督学", "county", [], []),
    ("13904360001", "高明", SupervisorKind.FULL_TIME, "", "专职督学", "neighbour", ["ty_urban"], ["ty_urban"]),
    ("13904360002", "林芳", SupervisorKind.PART_TIME, "桃源区第一幼儿园", "园长", "neighbour", ["ty_kg"], ["ty_kg"]),
]

# The demo's roster story, dated in the last complete year (month, day) so it shows whatever the day:
# a school merged in spring, a school moved to another zone and a new school opened in autumn, and a
# supervisor who joined a zone then. The pages show the dated history (名册变动).
CLOSED = ("五道沟镇中学", "圣水镇中学", (4, 1))  # 撤并: closed from 1 April, merged into 圣水镇中学
MOVED = ("红石镇九年一贯制学校", "township1", (9, 1))  # from 一贯制学校责任区 to 乡镇学校第一责任区
LATER_SCHOOLS = [
    # as SCHOOLS, then the day it joined the roster
    ("柳溪县新城小学", P, U, PUB, "urban", "马晓雯", "柳溪镇新城大街120号", (9, 1)),
]
# Login names of the supervisors the README lists (the others get generated ones, dx…001); never the
# phone number, which the plaque prints.
LOGIN_NAMES = {"13904350001": "wangjianguo", "13904350007": "zhaolina"}
JOINED = [("13904350010", "township2", (9, 1))]  # 徐文华 joins 乡镇学校第二责任区 (not as its lead)

DUTIES = "对责任区内学校实施经常性督导;督促学校规范办学行为;受理并核实群众举报投诉;督促学校落实整改;及时向督导室报告督导情况。"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    who: str


def _roster_story(zones: dict[str, Zone], since: dt.date) -> None:
    """The dated changes of the demo's roster, made once (a school with history is left as it is)."""
    name, into, (month, day) = CLOSED
    school = School.objects.get(name=name)
    if school.memberships.count() == 1 and school.open_membership is not None:
        school_close(school=school, on=since.replace(month=month, day=day), merged_into=School.objects.get(name=into),
                     note="乡镇学校布局调整,撤并入圣水镇中学。")
    name, zone_key, (month, day) = MOVED
    school = School.objects.get(name=name)
    if school.memberships.count() == 1:
        school_move(school=school, zone=zones[zone_key], on=since.replace(month=month, day=day),
                    note="责任区调整。")


def _login(username: str, name: str, *, superuser: bool = False):
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": name})
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
    user.first_name = name
    user.is_staff = user.is_superuser = superuser
    user.save()
    return user


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    # The demo's roster dates from 1 January of last year: the demo builds last year and this one.
    since = dt.date(clock.today().year - 1, 1, 1)
    offices: dict[str, Office] = {}
    for key, name, level, parent, code, phone, address in OFFICES:
        office, _ = Office.objects.update_or_create(
            division_code=code,
            defaults={"name": name, "level": level, "parent": offices.get(parent), "phone": phone, "address": address,
                      "email": f"duxue{code}@example.org"},
        )
        offices[key] = office

    zones: dict[str, Zone] = {}
    for key, office_key, name, category in ZONES:
        office = offices[office_key]
        existing = Zone.objects.filter(office=office, name=name).first()
        zones[key] = zone_save(office=office, name=name, category=category, zone=existing)

    rows = [(*row, (1, 1)) for row in SCHOOLS] + LATER_SCHOOLS
    for n, (name, kind, location, ownership, zone_key, principal, address, joined) in enumerate(rows, start=1):
        zone, code = zones[zone_key], f"3199{n:06d}"
        # A school already in the roster keeps its history (the demo year moves some of them).
        known = School.objects.filter(code=code).exists()
        school_save(
            office=zone.office,
            code=code,
            zone=UNCHANGED if known else zone,
            name=name,
            kind=kind,
            location=location,
            ownership=ownership,
            principal=principal,
            address=address,
            phone=f"0435-72{n:05d}",
            on=since.replace(month=joined[0], day=joined[1]),
        )
    _roster_story(zones, since)

    by_zone: dict[str, list[tuple[Supervisor, bool]]] = {key: [] for key in zones}
    for phone, name, kind, employer, title, office_key, zone_keys, leads in SUPERVISORS:
        supervisor = supervisor_save(
            office=offices[office_key], name=name, phone=phone, kind=kind, employer=employer, title=title, duties=DUTIES,
            username=LOGIN_NAMES.get(phone, ""),
        )
        if not supervisor.user.has_usable_password():
            supervisor.user.set_password(DEMO_PASSWORD)
            supervisor.user.save(update_fields=["password"])
        for zone_key in zone_keys:
            by_zone[zone_key].append((supervisor, zone_key in leads))
    joined = {(phone, zone_key): since.replace(month=m, day=d) for phone, zone_key, (m, d) in JOINED}
    for zone_key, members in by_zone.items():
        lead = next((s for s, is_lead in members if is_lead), None)
        # Those who joined later and are in the zone already stay (running the seed again changes nothing).
        later = [s for (phone, key) in joined if key == zone_key
                 for s in Supervisor.objects.filter(phone=phone, assignments__zone=zones[zone_key])]
        zone_set_supervisors(zone=zones[zone_key], supervisors=[s for s, _ in members] + later, lead=lead, on=since)
    for (phone, zone_key), day in joined.items():
        supervisor = Supervisor.objects.get(phone=phone)
        if not supervisor.assignments.filter(zone=zones[zone_key]).exists():
            members = [s for s, _ in by_zone[zone_key]]
            lead = next((s for s, is_lead in by_zone[zone_key] if is_lead), None)
            zone_set_supervisors(zone=zones[zone_key], supervisors=[*members, supervisor], lead=lead, on=day)

    first_school = School.objects.get(code="3199000001")
    kindergarten = School.objects.get(name="蓝天幼儿园")
    grants = [
        ("admin", "孟晓东", Role.OFFICE_ADMIN, offices["county"], None),
        ("director", "罗志刚", Role.DIRECTOR, offices["county"], None),
        ("school", "陈淑华", Role.SCHOOL_USER, None, first_school),
        ("kindergarten", "章蓓", Role.SCHOOL_USER, None, kindergarten),
        ("city", "临川市督导室", Role.VIEWER, offices["city"], None),
        ("province", "东江省督导室", Role.VIEWER, offices["province"], None),
        ("auditor", "许安", Role.AUDITOR, offices["county"], None),
        ("taoyuan", "桃源区管理员", Role.OFFICE_ADMIN, offices["neighbour"], None),
    ]
    for username, name, role, office, school in grants:
        role_grant(user=_login(username, name), role=role, office=office, school=school)
    _login("root", "系统管理员", superuser=True)

    return [
        DemoLogin("admin", str(Role.OFFICE_ADMIN.label), "柳溪县督导室管理员"),
        DemoLogin("director", str(Role.DIRECTOR.label), "柳溪县督导室主任"),
        DemoLogin("wangjianguo", str(Role.SUPERVISOR.label), "王建国 · 城区学校责任区组长"),
        DemoLogin("zhaolina", str(Role.SUPERVISOR.label), "赵丽娜 · 两个幼儿园责任区(兼职)"),
        DemoLogin("school", str(Role.SCHOOL_USER.label), "柳溪县第一实验小学"),
        DemoLogin("kindergarten", str(Role.SCHOOL_USER.label), "蓝天幼儿园(民办)"),
        DemoLogin("city", str(Role.VIEWER.label), "临川市(柳溪县、桃源区的上级)"),
        DemoLogin("province", str(Role.VIEWER.label), "东江省"),
        DemoLogin("auditor", str(Role.AUDITOR.label), "柳溪县督导室 · 安全审计日志"),
        DemoLogin("taoyuan", str(Role.OFFICE_ADMIN.label), "桃源区督导室管理员"),
        DemoLogin("root", "超级管理员", "Django 后台 /admin/"),
    ]
