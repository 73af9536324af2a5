import datetime as dt
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from supervision.scale import database_is_empty, scale_build, scale_summary


class Command(BaseCommand):
    help = (
        "Build a province of benchmark data (issue 14): offices, zones, schools, supervisors and years of "
        "visits, problems, tickets, reports and surveys, written by COPY on PostgreSQL. Deterministic with "
        "--seed; dates end on --until. Refuses a database that holds data unless --force, which empties it first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--counties", type=int, default=1)
        parser.add_argument("--schools", type=int, default=1000)
        parser.add_argument("--years", type=int, default=1)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--city-count", type=int, default=None, help="cities (default: one per six counties)")
        parser.add_argument("--until", type=dt.date.fromisoformat, default=None,
                            help="the last day of the data, YYYY-MM-DD (default: today)")
        parser.add_argument("--force", action="store_true", help="empty the database first (flush)")

    def handle(self, *args, counties, schools, years, seed, city_count, until, force, **options):
        if min(counties, years) < 1 or schools < 10 * counties:
            raise CommandError(_("--counties 与 --years 至少为1，--schools 每个区县至少10所。"))
        if not database_is_empty():
            if not force:
                raise CommandError(_("数据库中已有数据：请在空数据库上运行，或加 --force 先清空。"))
            call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        with translation.override("zh-hans"):
            result = scale_build(counties=counties, schools=schools, years=years, seed=seed, city_count=city_count,
                                 until=until)
        self.stdout.write(scale_summary(result.counts, time.perf_counter() - started))
