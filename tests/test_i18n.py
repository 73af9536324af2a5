"""English UI: zh-hans is the source language, English is one .po file away (locale/en).

The pages are Chinese unless the user picks English in the footer's switcher; the browser's
Accept-Language is ignored (supervision/middleware.py).
"""
import ast
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from supervision.choices import ZoneCategory
from tests import factories as f

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
IGNORED = [".venv", "node_modules", "staticfiles", "media"]
# The project's catalogue plus one per app that keeps its own (inspections/surveys/locale/…): an
# app's strings are extracted by running makemessages inside the app's folder.
CATALOGUES = [PO] + sorted(
    p for p in ROOT.glob("*/*/locale/en/LC_MESSAGES/django.po") if not p.is_relative_to(ROOT / ".venv")
) + sorted(p for p in ROOT.glob("*/locale/en/LC_MESSAGES/django.po") if p != PO)
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e“”、。]+")


@pytest.fixture(scope="session", autouse=True)
def _english_catalogue_compiled():
    """./test.sh's bootstrap compiles the .po; a bare pytest run on a fresh clone may not have."""
    if any(not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
           for po in CATALOGUES):
        call_command("compilemessages", locale=["en"], ignore_patterns=IGNORED, verbosity=0)
        with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
            pass  # changing LOCALE_PATHS drops the catalogues Django has already cached


def in_english(client, user):
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def chinese_left(body: str, data: list[str]) -> list[str]:
    """Chinese text on the page that is not the users' own data (names) nor the switcher's 简体中文."""
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    for text in sorted({*data, "简体中文"}, key=len, reverse=True):
        body = body.replace(text, "")
    return CJK.findall(body)


# --- Pages in English ------------------------------------------------------------------------------

def test_admin_who_switches_to_english_sees_the_zone_list_in_english(client, world):
    in_english(client, world["admin_a"])
    body = client.get(reverse("zone_list")).content.decode()
    assert '<html lang="en">' in body
    assert "Responsibility zones</h1>" in body
    assert "New zone" in body and "Urban schools" in body and "Lead" in body
    assert "督学责任区" not in body and "新建责任区" not in body
    data = [world["admin_a"].first_name, world["county_a"].name, world["zone_a1"].name, world["zone_a2"].name, "王督学", "李督学"]
    assert chinese_left(body, data) == []


def test_supervisor_sees_their_month_in_english(client, world):
    sup = world["sup_a1"]
    f.visit_filled(user=sup.user, school=world["schools"]["a1"])
    f.visit_filled(user=sup.user, school=world["schools"]["a2"], submit=False)
    in_english(client, sup.user)
    body = client.get(reverse("supervisor_home")).content.decode()
    today = timezone.localdate()
    assert "Hello, 王督学" in body
    assert "Full-time supervisor" in body
    assert "Visited 1/2 schools" in body
    assert "Continue" in body  # the draft of school a2
    assert f"{today.month}/{today.day}" in body  # dates as M/D, not 5月3日
    assert "开始督导" not in body and "本月待办" not in body
    data = [sup.user.first_name, world["county_a"].name, world["zone_a1"].name, "王督学", "柳河县第一小学", "柳河县第二中学"]
    assert chinese_left(body, data) == []


def test_supervisor_fills_the_checklist_in_english(client, world):
    sup = world["sup_a1"]
    visit = f.visit_filled(user=sup.user, school=world["schools"]["a1"], problems=1, submit=False)
    in_english(client, sup.user)
    body = client.get(reverse("inspections:visit_detail", args=[visit.pk])).content.decode()
    for words in ["Submit checklist", "No problem", "Problems found", "Not checked", "Add photo",
                  "Rectification opinion", "Visit date", r"Saving\u2026"]:
        assert words in body, words
    for words in ["提交清单", "无问题", "未检查", "添加照片", "整改意见", "保存中"]:
        assert words not in body, words


def test_a_refusal_from_a_service_reaches_an_english_user_in_english(client, world):
    in_english(client, world["admin_a"])
    response = client.post(reverse("zone_create"), {
        "office": world["county_a"].pk, "name": "城区第一责任区", "category": ZoneCategory.URBAN_SCHOOLS,
    })
    assert response.status_code == 400
    assert "This office already has a zone named “城区第一责任区”." in response.content.decode()


# --- Chinese first ---------------------------------------------------------------------------------

def test_the_ui_stays_chinese_when_the_browser_asks_for_english(client, world):
    client.force_login(world["admin_a"])
    body = client.get(reverse("zone_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "督学责任区</h1>" in body
    assert "Responsibility zones" not in body


def test_user_can_switch_back_to_chinese(client, world):
    in_english(client, world["admin_a"])
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    body = client.get(reverse("zone_list")).content.decode()
    assert "督学责任区</h1>" in body and "Responsibility zones" not in body


# --- The catalogue ---------------------------------------------------------------------------------

def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (list) and flags."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#~"):  # obsolete
            continue
        if not line.strip():
            if entry and "msgid" in entry:
                entries.append(entry)
            entry = None
            continue
        entry = entry or {"flags": set(), "msgstr": []}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[key] += value
        else:
            word, literal = line.split(" ", 1)
            key = "msgstr" if word.startswith("msgstr") else word
            if key == "msgstr":
                entry["msgstr"].append(ast.literal_eval(literal))
            else:
                entry[key] = ast.literal_eval(literal)
    return [e for e in entries if e["msgid"]]  # the header's msgid is empty


PLACEHOLDER = re.compile(r"%\((\w+)\)[-+ #0]*\d*(?:\.\d+)?[sdif]|%[sd]|%%|\{\w+\}")


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_english_message_is_translated_with_its_placeholders(po):
    entries = read_po(po)
    assert len(entries) > (700 if po == PO else 0)
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [], f"run makemessages -l en and translate these in {po}"
    assert fuzzy == []
    for e in entries:
        wanted = {m.group(0) if not m.group(1) else m.group(1) for m in PLACEHOLDER.finditer(e["msgid"])}
        for text in e["msgstr"]:
            assert {m.group(0) if not m.group(1) else m.group(1) for m in PLACEHOLDER.finditer(text)} == wanted, text
        if "msgid_plural" in e:
            assert len(e["msgstr"]) == 2, e["msgid"]


def test_every_string_in_the_code_is_in_the_english_catalogue(tmp_path, monkeypatch, settings):
    """makemessages over a copy of the code: a new Chinese string that nobody extracted fails here."""
    source = tmp_path / "src"
    shutil.copytree(
        ROOT, source,
        ignore=shutil.ignore_patterns(*IGNORED, ".git", "locale", "__pycache__", "*.pyc", "*.sqlite3", "var"),
    )
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["en"], ignore_patterns=IGNORED, verbosity=0)
    key = lambda e: (e.get("msgctxt"), e["msgid"])  # noqa: E731
    in_code = {key(e) for e in read_po(source / "locale" / "en" / "LC_MESSAGES" / "django.po")}
    in_catalogue = {key(e) for po in CATALOGUES for e in read_po(po)}
    missing = sorted(in_code - in_catalogue, key=str)
    assert missing == [], (
        "new strings: run `manage.py makemessages -l en --ignore=.venv --ignore=node_modules "
        "--ignore=staticfiles --ignore=media` and translate them:\n" + "\n".join(msgid for _ctx, msgid in missing)
    )


def test_every_language_in_the_switcher_has_its_catalogue():
    for code, _name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE:
            assert (ROOT / "locale" / translation.to_locale(code) / "LC_MESSAGES" / "django.po").exists()
