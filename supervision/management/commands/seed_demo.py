from django.core.management.base import BaseCommand
from django.utils import translation

from supervision.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Build (or refresh) the fictional demo county office: offices, zones, schools, supervisors, logins."

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            logins = seed_demo()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 (demo data ready)."))
        self.stdout.write(f"所有演示账号的密码 / password for every demo login: {DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.role:<8} {login.who}")
