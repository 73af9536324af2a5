from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supervision.audit import services


class Command(BaseCommand):
    help = "Delete audit entries older than --days (at least 180); the chain stays verifiable."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, required=True)

    def handle(self, *args, days, **options):
        try:
            deleted = services.prune(days=days)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(_("已清理 %(n)s 条早于 %(days)s 天的审计记录。") % {"n": deleted, "days": days})
