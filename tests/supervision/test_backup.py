"""The restore drill (等保 2.0：备份与恢复): a backup of a working office, restored into an empty database
and an empty MEDIA_ROOT by a separate `manage.py restore`, gives back every row of every table and
every uploaded file byte for byte; a damaged backup is refused before anything is touched."""
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from inspections.tickets import services as ticket_services
from supervision.backup import counted_tables
from supervision.models import Supervisor
from supervision.services import supervisor_set_photo
from tests import factories as f
from tests.inspections.evidence_files import image_bytes, upload

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump, in its own process, sees committed rows only
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump/pg_restore: PostgreSQL only")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite copy: SQLite only")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_with_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


def source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for label, table in counted_tables().items():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[label] = cursor.fetchone()[0]
    return counts


def restore(source: Path, *, database_url: str, media_root: Path, force: bool = False) -> subprocess.CompletedProcess:
    """`manage.py restore` as an operator runs it on the new server: its own process, its own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.pop("REDIS_URL", None)
    env.update(DATABASE_URL=database_url, MEDIA_ROOT=str(media_root))
    return subprocess.run([sys.executable, "manage.py", "restore", str(source), *(["--force"] if force else [])],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def office_at_work(world, media_root):
    """A county's office with a supervisor's photo, tickets, and a school's evidence photo uploaded."""
    supervisor_set_photo(supervisor=world["sup_a1"], photo=upload("photo.jpg", image_bytes("JPEG", (300, 400)), "image/jpeg"))
    tickets = f.tickets_opened(user=world["sup_a1"].user, school=world["schools"]["a1"], count=2)
    ticket_services.evidence_add(ticket=tickets[0], actor=world["school_user_a1"],
                                 upload=upload("整改后.png", image_bytes("PNG", (60, 40), (10, 160, 60)), "image/png"))
    assert len(files_with_hashes(media_root)) == 2
    return world


def _server(settings_dict: dict) -> dict:
    return {"host": settings_dict["HOST"] or "127.0.0.1", "port": settings_dict["PORT"] or 5432,
            "user": settings_dict["USER"] or "postgres", "password": settings_dict["PASSWORD"] or None}


@pytest.fixture
def empty_database():
    """A new, empty PostgreSQL database on the same server (dropped afterwards); yields its DATABASE_URL
    and a way to connect to it."""
    server = _server(connection.settings_dict)
    name = f"bak_drill_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = quote(server["user"]) + (f":{quote(server['password'])}" if server["password"] else "")
    url = f"postgres://{auth}@{server['host']}:{server['port']}/{name}"
    try:
        yield url, lambda: psycopg2.connect(dbname=name, **server)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def tables_of(connect) -> set[str]:
    with connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row[0] for row in cursor.fetchall()}


@postgresql_only
def test_restore_drill_brings_back_every_row_and_every_file_into_an_empty_database(office_at_work, media_root,
                                                                                  empty_database, tmp_path, capsys, clock):
    database_url, connect = empty_database
    before = source_counts()
    originals = files_with_hashes(media_root)

    call_command("backup", "--out", str(tmp_path / "backup"))
    assert "备份完成" in capsys.readouterr().out
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["created_at"].startswith(clock.today.isoformat()) and manifest["created_at"].endswith("+08:00")
    assert manifest["database"]["vendor"] == "postgresql"

    done = restore(tmp_path / "backup", database_url=database_url, media_root=tmp_path / "restored-media")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "恢复完成，核对一致" in done.stdout
    with connect() as conn, conn.cursor() as cursor:
        restored = {}
        for label, table in counted_tables().items():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            restored[label] = cursor.fetchone()[0]
        cursor.execute("SELECT photo FROM supervision_supervisor WHERE name = %s", ["王督学"])
        (photo,) = cursor.fetchone()
    assert restored == before
    assert before["supervision.Supervisor"] == 3 and before["inspections.Ticket"] == 2 and before["inspections.Evidence"] == 1
    assert files_with_hashes(tmp_path / "restored-media") == originals
    assert photo == Supervisor.objects.get(name="王督学").photo.name and (tmp_path / "restored-media" / photo).is_file()

    again = restore(tmp_path / "backup", database_url=database_url, media_root=tmp_path / "restored-media")
    assert again.returncode != 0
    assert "目标数据库不是空的" in again.stderr and "--force" in again.stderr


@postgresql_only
def test_a_tampered_evidence_file_is_refused_before_the_database_is_touched(office_at_work, media_root,
                                                                          empty_database, tmp_path):
    database_url, connect = empty_database
    call_command("backup", "--out", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    evidence = next(item["path"] for item in manifest["media"] if not item["path"].startswith("supervisors/"))
    with open(tmp_path / "backup" / "media" / evidence, "ab") as handle:
        handle.write(b"\x00")

    done = restore(tmp_path / "backup", database_url=database_url, media_root=tmp_path / "restored-media")

    assert done.returncode != 0
    assert f"备份文件与清单不符（已损坏或被改动）：media/{evidence}，拒绝恢复。" in done.stderr
    assert tables_of(connect) == set()
    assert not (tmp_path / "restored-media").exists()


@sqlite_only
def test_on_sqlite_the_backup_restores_into_a_new_database_file_with_the_same_rows_and_files(office_at_work, media_root,
                                                                                         tmp_path, capsys):
    before = source_counts()
    call_command("backup", "--out", str(tmp_path / "backup"))
    target = tmp_path / "restored.sqlite3"

    done = restore(tmp_path / "backup", database_url=f"sqlite:///{target}", media_root=tmp_path / "restored-media")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "恢复完成，核对一致" in done.stdout
    copy = sqlite3.connect(target)
    restored = {label: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                for label, table in counted_tables().items()}
    copy.close()
    assert restored == before and before["inspections.Evidence"] == 1
    assert files_with_hashes(tmp_path / "restored-media") == files_with_hashes(media_root)


def test_a_damaged_database_file_is_named_and_nothing_is_restored(office_at_work, media_root, tmp_path):
    call_command("backup", "--out", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    dump = tmp_path / "backup" / manifest["database"]["file"]
    dump.write_bytes(dump.read_bytes()[:-1] + b"\x01")
    before = source_counts()

    with pytest.raises(CommandError, match=f"备份文件与清单不符（已损坏或被改动）：{manifest['database']['file']}，拒绝恢复。"):
        call_command("restore", str(tmp_path / "backup"), "--force")
    assert source_counts() == before


def test_a_manifest_pointing_outside_the_media_folder_is_refused(office_at_work, media_root, tmp_path):
    call_command("backup", "--out", str(tmp_path / "backup"))
    path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["media"][0]["path"] = "../../outside.txt"
    path.write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(CommandError, match="清单中的路径不安全：media/../../outside.txt"):
        call_command("restore", str(tmp_path / "backup"), "--force")
    assert not (tmp_path / "outside.txt").exists()


def test_restore_into_a_database_that_has_tables_needs_force(office_at_work, media_root, tmp_path):
    call_command("backup", "--out", str(tmp_path / "backup"))

    with pytest.raises(CommandError, match="目标数据库不是空的.*请加 --force"):
        call_command("restore", str(tmp_path / "backup"))


def test_backup_refuses_a_directory_that_already_holds_files(world, media_root, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old.txt").write_text("上次的备份")

    with pytest.raises(CommandError, match="已存在且不是空的"):
        call_command("backup", "--out", str(tmp_path / "backup"))
    assert [p.name for p in (tmp_path / "backup").iterdir()] == ["old.txt"]


@sqlite_only
def test_rows_missing_after_the_restore_are_named_and_the_restore_exits_non_zero(office_at_work, media_root, tmp_path):
    call_command("backup", "--out", str(tmp_path / "backup"))
    path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["row_counts"]["supervision.Supervisor"]["rows"] += 1  # the manifest expects a row the dump lacks
    path.write_text(json.dumps(manifest), encoding="utf-8")

    done = restore(tmp_path / "backup", database_url=f"sqlite:///{tmp_path / 'restored.sqlite3'}",
                   media_root=tmp_path / "restored-media")

    assert done.returncode != 0
    assert "supervision.Supervisor：应有 4 行，实有 3 行" in done.stderr
    assert "恢复后核对不一致：1 处与清单不符" in done.stderr
    assert "恢复完成" not in done.stdout


def test_the_backup_directory_is_readable_by_its_owner_only(world, media_root, tmp_path):
    call_command("backup", "--out", str(tmp_path / "backup"))

    assert (tmp_path / "backup").stat().st_mode & 0o777 == 0o700
