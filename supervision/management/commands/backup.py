from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supervision.backup import BackupError, backup_make


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump --format=custom; on SQLite a copy through sqlite3's backup API) and "
        "every file of MEDIA_ROOT into the new directory --out, with manifest.json: row counts of every "
        "table and the SHA-256 of every file. Restore it with `manage.py restore DIR`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="a new (or empty) directory for the backup")

    def handle(self, *args, out: Path, **options):
        try:
            manifest = backup_make(out=out)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(item["rows"] for item in manifest["row_counts"].values())
        size = sum(item["size"] for item in manifest["media"])
        self.stdout.write(_("备份完成：%(dir)s（%(vendor)s 数据库 %(tables)d 张表共 %(rows)d 行，媒体文件 %(files)d 个，%(size)s 字节）。") % {
            "dir": out.resolve(), "vendor": manifest["database"]["vendor"], "tables": len(manifest["row_counts"]),
            "rows": rows, "files": len(manifest["media"]), "size": f"{size:,}",
        })
