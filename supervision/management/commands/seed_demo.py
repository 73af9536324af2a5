from django.core.management.base import BaseCommand
from django.utils import translation

from inspections.campaigns import demo as campaigns_demo
from inspections.cases import demo as cases_demo
from inspections.complaints import demo as complaints_demo
from inspections.demo.visits import demo_rectification_build, demo_year_build, history_entry_open
from inspections.demo.plans import demo_plan_build
from inspections.evaluations import demo as evaluations_demo
from inspections.models import Visit
from inspections.surveys import demo as surveys_demo
from reports.annual import demo as annual_demo
from reports.dashboard import demo as dashboard_demo
from reports.monthly import demo as monthly_demo
from supervision import clock
from supervision.demo import DEMO_PASSWORD, DEMO_TENANT_CODE, seed_demo
from supervision.models import Office


class Command(BaseCommand):
    help = (
        "Build (or refresh) the fictional demo county: offices, zones, schools, supervisors, logins, "
        "last year's and this year's plans, and two years of visits, problems and summaries: the last "
        "complete year in full and this year up to today."
    )

    def handle(self, *args, **options):
        today = clock.today()
        with translation.override("zh-hans"):
            logins = seed_demo()
            county = Office.objects.get(division_code=DEMO_TENANT_CODE)
            with history_entry_open(county):
                for year in (today.year - 1, today.year):
                    demo_plan_build(office=county, year=year)
                visits = demo_year_build(office=county, today=today)
                demo_rectification_build(office=county, today=today)
                # The rest of the office's year, then the reports drawn from all of it.
                for part in (
                    campaigns_demo, evaluations_demo, surveys_demo, cases_demo, complaints_demo, monthly_demo,
                    annual_demo, dashboard_demo,
                ):
                    part.demo_build(office=county, today=today)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 (demo data ready)."))
        if visits:
            for year in (today.year - 1, today.year):
                count = Visit.objects.filter(office=county, date__year=year, checklist__status="submitted").count()
                self.stdout.write(f"  {year}年入校督导 {count} 次 (visits built)")
        self.stdout.write(f"所有演示账号的密码 / password for every demo login: {DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.role:<8} {login.who}")
