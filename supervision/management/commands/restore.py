from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supervision.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database and MEDIA_ROOT. Every "
        "file's SHA-256 is checked first; a database that already has tables (or a MEDIA_ROOT with files) "
        "is overwritten only with --force. Afterwards row counts and file hashes are compared with the "
        "manifest; any difference exits non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="the backup directory")
        parser.add_argument("--force", action="store_true", help="overwrite a database or MEDIA_ROOT that is not empty")

    def handle(self, *args, source: Path, force: bool, **options):
        try:
            result = backup_restore(source=source, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        summary = _("数据库 %(tables)d 张表共 %(rows)d 行，媒体文件 %(files)d 个（%(size)s 字节）") % {
            "tables": result.tables, "rows": result.rows, "files": result.files, "size": f"{result.bytes:,}"}
        if result.mismatches:
            for line in result.mismatches:
                self.stderr.write(line)
            raise CommandError(_("恢复后核对不一致：%(n)d 处与清单不符（核对一致的：%(summary)s）。")
                               % {"n": len(result.mismatches), "summary": summary})
        self.stdout.write(_("恢复完成，核对一致：%(summary)s，与备份清单完全相同。") % {"summary": summary})
