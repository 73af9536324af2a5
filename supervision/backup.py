"""Backup and restore (等保 2.0 三级：数据备份与恢复): the database and every uploaded file in one
directory, with a manifest that lets a restore prove it brought back exactly what was saved.

A backup directory holds::

    manifest.json      created_at (Shanghai), version and git commit, database vendor, the rows of
                       every table, the SHA-256 of the database file and of each media file
    database.dump      PostgreSQL: ``pg_dump --format=custom`` (SQLite: ``database.sqlite3``, copied
                       with sqlite3's backup API)
    media/...          MEDIA_ROOT as it was, same relative paths

On PostgreSQL the row counts are read in the very snapshot ``pg_dump`` dumps (``--snapshot``), so
the counts and the dump agree even while the site is in use.

A restore checks every hash before it touches anything, refuses a target database that already
has tables (or a MEDIA_ROOT that already has files) unless forced, restores, then counts and hashes
again against the manifest.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.utils.translation import gettext as _

from supervision import clock

MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator, in Chinese."""


@dataclass
class RestoreResult:
    tables: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    mismatches: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _copy_hashed(source: Path, target: Path) -> tuple[int, str]:
    """Copy one file, hashing what was written in the same pass."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as src, open(target, "wb") as dst:
        while block := src.read(CHUNK):
            digest.update(block)
            dst.write(block)
            size += len(block)
    shutil.copystat(source, target)
    return size, digest.hexdigest()


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def counted_tables() -> dict[str, str]:
    """Every table the installed models keep (many-to-many tables included), by model label."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        tables[meta.label] = meta.db_table
    tables["migrations.Migration"] = "django_migrations"  # which migrations the restored schema has
    return dict(sorted(tables.items()))


def _count(cursor, tables: dict[str, str], quote) -> dict[str, dict]:
    counts = {}
    for label, table in tables.items():
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[label] = {"table": table, "rows": cursor.fetchone()[0]}
    return counts


def _git_commit() -> str | None:
    if os.environ.get("GIT_COMMIT"):
        return os.environ["GIT_COMMIT"]
    if not (Path(settings.BASE_DIR) / ".git").exists() or shutil.which("git") is None:
        return None
    done = subprocess.run(["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"], capture_output=True, text=True)
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def _pg_env(db: dict) -> dict[str, str]:
    """libpq's environment for the configured database: the password never appears on a command line."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    if (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(_("找不到 %(tool)s：请先安装 postgresql-client（主版本与数据库服务器一致）。") % {"tool": name})
    return path


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(_("%(tool)s 失败：%(error)s") % {"tool": Path(args[0]).name, "error": done.stderr.strip()})


def _vendor() -> str:
    vendor = connections["default"].vendor
    if vendor not in DUMP_FILES:
        raise BackupError(_("不支持的数据库：%(vendor)s。") % {"vendor": vendor})
    return vendor


def _sqlite_path(db: dict) -> str:
    name = str(db["NAME"])
    if name == ":memory:" or not name:
        raise BackupError(_("内存中的 SQLite 数据库无法恢复，请指定数据库文件。"))
    return name


def _database_save(vendor: str, target: Path) -> dict[str, dict]:
    """Write the database to ``target`` and return the rows of every table, as of that copy."""
    connection = connections["default"]
    tables = counted_tables()
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            return _count(copy.cursor(), tables, connection.ops.quote_name)
        finally:
            copy.close()
    pg_dump = _tool("pg_dump")
    db = connection.settings_dict
    with transaction.atomic(), connection.cursor() as cursor:
        # One snapshot for the counts and the dump: what is counted is what is dumped.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _count(cursor, tables, connection.ops.quote_name)
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", f"--dbname={db['NAME']}"],
             _pg_env(db))
    return counts


def backup_make(*, out: Path) -> dict:
    """Back up the database and MEDIA_ROOT into the new (or empty) directory ``out``; returns the manifest."""
    out = Path(out).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if out == media_root or media_root in out.parents:
        raise BackupError(_("备份目录不能放在媒体目录（MEDIA_ROOT）之内。"))
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(_("备份目录 %(dir)s 已存在且不是空的。") % {"dir": out})
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o700)  # the dump holds every account's password hash: operators only
    vendor = _vendor()
    dump = out / DUMP_FILES[vendor]
    counts = _database_save(vendor, dump)
    media = []
    for source in _media_files(media_root):
        relative = source.relative_to(media_root).as_posix()
        size, digest = _copy_hashed(source, out / MEDIA_DIR / relative)
        media.append({"path": relative, "size": size, "sha256": digest})
    manifest = {
        "format": FORMAT,
        "created_at": clock.local_now().isoformat(timespec="seconds"),
        "app": {"version": settings.SPECTACULAR_SETTINGS.get("VERSION"), "git_commit": _git_commit()},
        "database": {"vendor": vendor, "file": dump.name, "size": dump.stat().st_size, "sha256": sha256_of(dump)},
        "row_counts": counts,
        "media": media,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def _safe_relative(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts and "\\" not in path


def manifest_read(source: Path) -> dict:
    try:
        manifest = json.loads((Path(source) / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(_("%(dir)s 里没有 manifest.json，不是本系统的备份。") % {"dir": source}) from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError(_("manifest.json 已损坏，无法读取。")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("manifest.json 的格式不是本系统的备份格式。"))
    return manifest


def backup_verify(*, source: Path) -> dict:
    """Check every file of the backup against its manifest (size and SHA-256); the first bad file
    is named. Nothing outside the backup is read or written."""
    source = Path(source)
    manifest = manifest_read(source)
    try:
        database = manifest["database"]
        expected = [(str(database["file"]), database["size"], database["sha256"])]
        expected += [(f"{MEDIA_DIR}/{item['path']}", item["size"], item["sha256"]) for item in manifest["media"]]
        if not all(isinstance(saved["table"], str) and isinstance(saved["rows"], int)
                   for saved in manifest["row_counts"].values()):
            raise ValueError
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BackupError(_("manifest.json 已损坏，无法读取。")) from None
    for relative, size, digest in expected:
        if not _safe_relative(relative):
            raise BackupError(_("清单中的路径不安全：%(file)s，拒绝恢复。") % {"file": relative})
        path = source / relative
        if not path.is_file():
            raise BackupError(_("备份文件缺失：%(file)s，拒绝恢复。") % {"file": relative})
        if path.stat().st_size != size or sha256_of(path) != digest:
            raise BackupError(_("备份文件与清单不符（已损坏或被改动）：%(file)s，拒绝恢复。") % {"file": relative})
    listed = {relative for relative, _size, _digest in expected[1:]}
    for path in _media_files(source / MEDIA_DIR):
        relative = path.relative_to(source).as_posix()
        if relative not in listed:
            raise BackupError(_("备份中有清单之外的文件：%(file)s，拒绝恢复。") % {"file": relative})
    return manifest


def _database_restore(vendor: str, dump: Path) -> None:
    connection = connections["default"]
    db = connection.settings_dict
    connection.close()
    if vendor == "sqlite":
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path(db))
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
          f"--dbname={db['NAME']}", str(dump)], _pg_env(db))


def _restored_check(manifest: dict, media_root: Path) -> RestoreResult:
    result = RestoreResult()
    connection = connections["default"]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for label, saved in manifest["row_counts"].items():
            if saved["table"] not in existing:
                result.mismatches.append(_("%(model)s：数据表 %(table)s 不存在") % {"model": label, "table": saved["table"]})
                continue
            rows = _count(cursor, {label: saved["table"]}, connection.ops.quote_name)[label]["rows"]
            if rows != saved["rows"]:
                result.mismatches.append(_("%(model)s：应有 %(expected)d 行，实有 %(actual)d 行")
                                         % {"model": label, "expected": saved["rows"], "actual": rows})
            result.tables += 1
            result.rows += rows
    for item in manifest["media"]:
        path = media_root / item["path"]
        if not path.is_file() or path.stat().st_size != item["size"] or sha256_of(path) != item["sha256"]:
            result.mismatches.append(_("媒体文件与清单不符：%(file)s") % {"file": item["path"]})
            continue
        result.files += 1
        result.bytes += item["size"]
    return result


def backup_restore(*, source: Path, force: bool = False) -> RestoreResult:
    """Restore a backup into the configured database and MEDIA_ROOT. Every hash is checked first; a
    database with tables or a MEDIA_ROOT with files is overwritten only with ``force``. Afterwards the
    rows of every table and every file's hash are compared with the manifest."""
    source = Path(source)
    manifest = backup_verify(source=source)
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(_("备份来自 %(saved)s 数据库，目标是 %(target)s，无法恢复。")
                          % {"saved": manifest["database"]["vendor"], "target": vendor})
    media_root = Path(settings.MEDIA_ROOT)
    if not force:
        tables = connections["default"].introspection.table_names()
        if tables:
            raise BackupError(_("目标数据库不是空的（已有 %(n)d 张数据表）；恢复会覆盖其中的数据，确认无误请加 --force。")
                              % {"n": len(tables)})
        if _media_files(media_root):
            raise BackupError(_("目标媒体目录 %(dir)s 不是空的；恢复会覆盖其中的文件，确认无误请加 --force。")
                              % {"dir": media_root})
    _database_restore(vendor, source / manifest["database"]["file"])
    for item in manifest["media"]:
        _copy_hashed(source / MEDIA_DIR / item["path"], media_root / item["path"])
    return _restored_check(manifest, media_root)
