from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supervision.audit import services


class Command(BaseCommand):
    help = "Walk the audit log's hash chain and report the first broken link (exit 1 when broken)."

    def handle(self, *args, **options):
        verdict = services.verify()
        if not verdict.ok:
            raise CommandError(_("审计日志链已断开:%(reason)s(已核对 %(n)s 条)") % {"reason": verdict.reason, "n": verdict.checked})
        self.stdout.write(_("审计日志完整:已核对 %(n)s 条。") % {"n": verdict.checked})
