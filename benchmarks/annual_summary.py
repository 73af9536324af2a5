"""How long the year-end summary (年度工作总结) PDF takes. Prints seconds.

    .venv/bin/python benchmarks/annual_summary.py            # in memory: a one-page document, then a
                                                             # 50-school county's full summary with its annex
    DATABASE_URL=sqlite:////tmp/x.sqlite3 \
      .venv/bin/python benchmarks/annual_summary.py --demo   # also the demo county (seed_demo first):
                                                             # its figures from the database, then the PDF

Goals (issue 5): a one-page Chinese PDF under 1 s, a 50-school county's summary under 5 s (warm, i.e.
once the fonts are loaded; the first document of a process also loads the Noto CJK files).

Exits with an error when WeasyPrint cannot subset fonts with HarfBuzz (Debian libharfbuzz-subset0
missing): it then falls back to fontTools and each CJK document takes many seconds. The test suite
fails too (tests/schools/test_plaque.py); this script says it before timing anything misleading.
"""
import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")

import django  # noqa: E402

django.setup()

from reports.annual.contributions import Contribution  # noqa: E402
from reports.annual.document import document_context, summary_or_draft  # noqa: E402
from reports.annual.models import AnnualSummary  # noqa: E402
from reports.annual.selectors import AnnualFigures, ZoneRow, annual_figures  # noqa: E402
from supervision.models import Office  # noqa: E402
from supervision.pdf import pdf_from_template  # noqa: E402

ITEMS = ["校务管理和制度执行", "招生、收费、择校", "课程开设和课堂教学", "学生学习、体育锻炼和课业负担",
         "教师职业道德和专业发展", "校园及周边安全", "食品、饮水卫生及食堂宿舍", "校风、教风、学风建设",
         "保育教育", "卫生保健", "安全管理", "办园条件与收费"]


def require_harfbuzz_subsetting() -> None:
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        sys.exit("libharfbuzz-subset0 (HarfBuzz >= 4.1) is missing: apt-get install libharfbuzz-subset0 — "
                 "without it every CJK PDF takes many seconds (WeasyPrint subsets with fontTools).")


def county_in_memory(schools: int = 50, zones: int = 8) -> tuple[AnnualSummary, AnnualFigures]:
    """A 50-school county's year, as the selector would return it (no database)."""
    office = Office(name="柳溪县人民政府教育督导室", division_code="220599")
    year = dt.date.today().year
    until = dt.date(year, 12, 20)
    rows = [ZoneRow(zone_id=n + 1, name=f"第{n + 1}责任区", person_visits=80 + n, school_visits=60 + n,
                    schools_visited=schools // zones, schools_total=schools // zones, problems=30 + n, closed=25 + n)
            for n in range(zones)]
    figures = AnnualFigures(
        office=office, zone=None, year=year, start=dt.date(year, 1, 1), until=until,
        person_visits=sum(r.person_visits for r in rows), school_visits=sum(r.school_visits for r in rows),
        schools_visited=schools, schools_total=schools, monthly_summaries=90, problems=250, schools_with_problems=41,
        problems_all=262, tickets_closed=221, reports_submitted=180, overdue_open=30, closed_late=7, closed_on_time=214,
        by_item=[(f"S{n + 1}", title, 40 - 3 * n) for n, title in enumerate(ITEMS)],
        by_severity=[("minor", "一般", 160), ("major", "较重", 80), ("severe", "严重", 22)],
        escalations={1: 12, 2: 3, 3: 1}, zones=rows, monthly_visits=[0, 50, 52, 50, 51, 49, 0, 20, 50, 52, 50, 30],
        contributions=[
            Contribution("campaigns", "开展专项督导", "开展“双减”专项督导2次,抽查学校12所,发现问题9个,已整改7个。"),
            Contribution("surveys", "开展社会满意度调查", "完成学生和家长调查问卷1968份,总体满意率96.2%。"),
            Contribution("complaints", "受理举报投诉", "受理举报投诉12件,核实办结8件。"),
        ],
    )
    summary = AnnualSummary(office=office, year=year, title=f"{office.name}{year}年度工作总结", until=until, blocks={})
    return summary, figures


def timed(render, runs: int = 3) -> tuple[float, float]:
    start = time.perf_counter()
    render()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        warm.append(time.perf_counter() - start)
    return cold, min(warm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="also time the demo county from the database")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    require_harfbuzz_subsetting()

    summary, figures = county_in_memory()
    one_page = lambda: pdf_from_template("annual/summary_pdf.html", document_context(summary, figures, annex=False))  # noqa: E731
    full = lambda: pdf_from_template("annual/summary_pdf.html", document_context(summary, figures))  # noqa: E731
    for name, render, goal in (("one page (text only)", one_page, 1.0), ("50-school county, with annex", full, 5.0)):
        cold, warm = timed(render, args.runs)
        verdict = "ok" if warm < goal else f"SLOWER than {goal:g} s"
        print(f"{name:32s} cold={cold:.2f}s warm={warm:.2f}s  goal<{goal:g}s {verdict}")

    if args.demo:
        office = Office.objects.get(name__contains="柳溪")
        year = dt.date.today().year

        def from_db():
            demo = summary_or_draft(office=office, year=year, zone=None)
            pdf_from_template("annual/summary_pdf.html", document_context(demo, annual_figures(
                office=office, year=year, until=demo.until)))

        start = time.perf_counter()
        annual_figures(office=office, year=year)
        print(f"{'demo county figures (database)':32s} {time.perf_counter() - start:.3f}s")
        cold, warm = timed(from_db, args.runs)
        print(f"{'demo county, figures + PDF':32s} cold={cold:.2f}s warm={warm:.2f}s  goal<5s "
              f"{'ok' if warm < 5 else 'SLOWER'}")


if __name__ == "__main__":
    main()
