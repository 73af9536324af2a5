"""English UI: zh-hans is the source language, English is one .po file away (locale/en).

The pages are Chinese unless the user picks English in the footer's switcher; the browser's
Accept-Language is ignored (supervision/middleware.py).
"""
import ast
import re
import shutil
from collections import Counter
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
# makemessages also skips the tests: their Chinese is test data, not UI.
NOT_EXTRACTED = [*IGNORED, "tests"]
# One catalogue per language and domain, for the whole product: apps keep no locale/ of their own
# (two catalogues with one msgid made the English depend on INSTALLED_APPS order).
CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
DOMAINS = {"django", "djangojs"}
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
    body = re.sub(r"<!--.*?-->", "", body, flags=re.DOTALL)
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


def locale_dirs() -> list[Path]:
    """Every folder named locale/ in the project (not in .venv, node_modules, staticfiles, media, .git, var)."""
    found = []
    for path in ROOT.iterdir():
        if path.name in {*IGNORED, ".git", "var"} or not path.is_dir():
            continue
        found += [path] if path.name == "locale" else [p for p in path.rglob("locale") if p.is_dir()]
    return sorted(found)


def test_the_product_has_one_catalogue_per_domain_and_no_app_keeps_its_own():
    assert locale_dirs() == [ROOT / "locale"], "merge app catalogues into locale/ and delete their locale/ folders"
    stray = [p for p in (ROOT / "locale").rglob("*.po") if p.parent.name != "LC_MESSAGES" or p.stem not in DOMAINS]
    assert stray == []
    assert PO in CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_catalogue_has_each_message_once_and_nothing_obsolete(po):
    keys = Counter((e.get("msgctxt"), e["msgid"]) for e in read_po(po))
    twice = sorted((key for key, n in keys.items() if n > 1), key=str)
    assert twice == []
    obsolete = [line for line in po.read_text(encoding="utf-8").splitlines() if line.startswith("#~ msgid")]
    assert obsolete == [], "run makemessages with --no-obsolete"


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
    domains = sorted({po.stem for po in CATALOGUES if po.parent.parent.name == "en"} | {"django"})
    for domain in domains:  # djangojs only once it has a catalogue
        call_command("makemessages", locale=["en"], domain=domain, ignore_patterns=NOT_EXTRACTED, verbosity=0)
    assert locale_dirs() == [ROOT / "locale"]  # else makemessages above missed the app's strings
    key = lambda e: (e.get("msgctxt"), e["msgid"])
    command = ("`manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules "
               "--ignore=staticfiles --ignore=media --ignore=tests`")
    for domain in domains:
        extracted = source / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        in_code = {key(e) for e in read_po(extracted)}
        in_catalogue = {key(e) for e in read_po(PO.with_name(extracted.name))}
        missing = sorted(in_code - in_catalogue, key=str)
        assert missing == [], f"new strings: run {command} and translate them:\n" + "\n".join(m for _c, m in missing)
        unused = sorted(in_catalogue - in_code, key=str)
        assert unused == [], f"strings no longer in the code: run {command}:\n" + "\n".join(m for _c, m in unused)


def test_every_language_in_the_switcher_has_its_catalogue():
    for code, _name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE:
            assert (ROOT / "locale" / translation.to_locale(code) / "LC_MESSAGES" / "django.po").exists()


def test_the_apps_pages_read_their_english_from_the_one_catalogue(client, world):
    """Campaigns, complaints, evaluations, surveys and annual summaries kept catalogues of their own
    until they were merged into locale/en: the shared words read the same on every page."""
    in_english(client, world["admin_a"])
    headings = {
        "campaigns:list": "Special inspections", "complaints:list": "Complaints and tips",
        "evaluations:home": "Evaluations and assessments", "surveys:list": "Social satisfaction survey",
        "annual:index": "Annual work summaries",
    }
    for name, heading in headings.items():
        body = client.get(reverse(name)).content.decode()
        assert re.findall(r"<h1[^>]*>(.*?)</h1>", body, flags=re.DOTALL) == [heading], name
        for words in ["Special inspections", "Complaints and tips", "Evaluations"]:  # the menu
            assert words in body, (name, words)
        assert "专项督导" not in body and "举报投诉" not in body and "督导评估" not in body, name
