"""Compare the benchmarks of an older commit ("before") with this checkout ("after").

    .venv/bin/python benchmarks/compare.py e8d63cd                 # PostgreSQL on 127.0.0.1, 7 runs
    .venv/bin/python benchmarks/compare.py e8d63cd --runs 7 --schools 1000 --tickets 20000 \\
        --only monthly_loop,dashboard

1. ``git worktree add --detach`` the old ref into a throwaway directory (``/tmp/bench-before-*``),
   removed at the end (``--keep`` keeps it);
2. for each benchmark, runs the old ref's own script in that worktree (its builders fill the old
   schema; ``legacy_shim.py`` only renames its database and swaps in the timing harness), then this
   checkout's script, one after the other with the same interpreter, sizes, seed and number of runs,
   each in its own database (``bench_<pid>_before_*``, ``bench_<pid>_after_*``), dropped afterwards;
3. prints, per page, the ratio to the reference (the login page, timed interleaved in the same
   process: see harness.py) before and after, the change, the medians in ms (wall and CPU) and the
   SQL queries, and writes it to ``benchmarks/results/compare.md`` and ``compare.json``.

A page is flagged when both its ratio and its CPU time grew by more than 20 %. The PDF benchmarks
(no database, unaffected by the schema) are timed too (``--pdf``), in seconds only.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SLOWER = 1.20

# script -> (results file, how to list its rows as (label, result))
BENCHMARKS = {
    "monthly_loop": ("monthly_loop.json", lambda d, a: [(r["page"], r) for r in d["pages"]]),
    "dashboard": ("dashboard.json", lambda d, a: [(r["what"], r) for r in d["results"]]),
    "monthly_report": ("monthly_report.json", lambda d, a: [(r["case"], r) for r in d["cases"]]),
    "ledger": ("ledger_{vendor}.json",
               lambda d, a: [(f"{label} ({a.tickets:,} tickets)", by_size[str(a.tickets)]) for label, by_size in d["pages"].items()]),
}
NAMES = {"monthly_loop": "monthly_loop", "dashboard": "dashboard", "monthly_report": "monthly_report", "ledger": "ledger"}


def script_args(name: str, args) -> list[str]:
    common = ["--runs", str(args.runs), "--seed", str(args.seed)]
    if name == "ledger":
        return common + ["--tickets", str(args.tickets)]
    return common + ["--schools", str(args.schools)]


def drop_database(url: str, name: str) -> None:
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg2

        admin = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()
    else:
        (Path(tempfile.gettempdir()) / f"{name}.sqlite3").unlink(missing_ok=True)


def run(side: str, checkout: Path, name: str, args, env: dict, log) -> list[tuple[str, dict]]:
    vendor = "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
    results = checkout / "benchmarks" / "results" / BENCHMARKS[name][0].format(vendor=vendor)
    results.unlink(missing_ok=True)
    if side == "before":
        command = [sys.executable, str(HERE / "legacy_shim.py"), str(checkout), name, *script_args(name, args)]
    else:
        command = [sys.executable, str(HERE / f"{name}.py"), *script_args(name, args)]
    started = time.perf_counter()
    print(f"-- {side}: {name} ({checkout})", flush=True)
    done = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True, check=False)
    log.write(f"\n===== {side} {name}: {' '.join(command)}\n{done.stdout}\n{done.stderr}\n")
    log.flush()
    drop_database(env["DATABASE_URL"], env["BENCH_DB_PREFIX"] + NAMES[name])
    if not results.exists():
        raise SystemExit(f"{side} {name} wrote no results (exit {done.returncode}):\n{done.stderr[-3000:]}")
    for line in done.stdout.splitlines():
        if "checked" in line or line.startswith("built in"):
            print(f"   {line}")
    print(f"   {time.perf_counter() - started:.0f} s", flush=True)
    data = json.loads(results.read_text())
    return BENCHMARKS[name][1](data, args)


def pdf_seconds(checkout: Path, env: dict) -> dict:
    out = {}
    for script, pattern in (("plaque_pdf.py", r"warm=([\d.]+)s"), ("annual_summary.py", r"^(.+?)\s+cold=[\d.]+s warm=([\d.]+)s")):
        done = subprocess.run([sys.executable, str(checkout / "benchmarks" / script)], cwd=checkout, env=env,
                              capture_output=True, text=True, check=False)
        if script == "plaque_pdf.py":
            found = re.search(pattern, done.stdout)
            out["plaque poster, 1 page (warm)"] = float(found.group(1)) if found else None
        else:
            for line in done.stdout.splitlines():
                found = re.match(pattern, line)
                if found:
                    out[f"year-end summary: {found.group(1).strip()} (warm)"] = float(found.group(2))
    return out


def change(before, after) -> str:
    if not before or after is None:
        return ""
    return f"{(after / before - 1) * 100:+.0f}%"


def table(rows) -> list[str]:
    lines = [
        "| page | ratio before | ratio after | change | ms before → after | CPU ms before → after | CPU change | queries before → after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, b, a in rows:
        if b is None or a is None:
            lines.append(f"| {label} | {'—' if b is None else b['ratio']} | {'—' if a is None else a['ratio']} | | | | | |")
            continue
        flag = ""
        if a["ratio"] > b["ratio"] * SLOWER and (a.get("median_cpu_ms") or 0) > (b.get("median_cpu_ms") or 0) * SLOWER:
            flag = " **slower**"
        lines.append(
            f"| {label} | {b['ratio']:.2f} | {a['ratio']:.2f} | {change(b['ratio'], a['ratio'])}{flag} | "
            f"{b['median_ms']:.0f} → {a['median_ms']:.0f} | {b['median_cpu_ms']:.0f} → {a['median_cpu_ms']:.0f} | "
            f"{change(b['median_cpu_ms'], a['median_cpu_ms'])} | {b.get('queries', '')} → {a.get('queries', '')} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", nargs="?", default="e8d63cd", help="the commit to compare with (default e8d63cd)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--tickets", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated: " + ",".join(BENCHMARKS))
    parser.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=True, help="also the PDF benchmarks")
    parser.add_argument("--keep", action="store_true", help="keep the old ref's worktree")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.ref], capture_output=True, text=True,
                         check=True).stdout.strip()
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "."], capture_output=True,
                                text=True, check=True).stdout.strip())
    before = Path(tempfile.mkdtemp(prefix=f"bench-before-{sha}-"))
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), sha], check=True,
                   capture_output=True)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    log = (out / "compare.log").open("w")
    started, load_start = time.perf_counter(), os.getloadavg()
    sections, report = [], {}
    try:
        base = {**os.environ, "DATABASE_URL": url}
        for name in [n for n in args.only.split(",") if n]:
            old = run("before", before, name, args, {**base, "BENCH_DB_PREFIX": f"bench_{os.getpid()}_before_"}, log)
            new = run("after", ROOT, name, args, {**base, "BENCH_DB_PREFIX": f"bench_{os.getpid()}_after_"}, log)
            old_by, new_by = dict(old), dict(new)
            labels = [label for label, _ in old] + [label for label, _ in new if label not in old_by]
            rows = [(label, old_by.get(label), new_by.get(label)) for label in labels]
            report[name] = [{"label": label, "before": b, "after": a} for label, b, a in rows]
            sections.append((name, table(rows)))
            print("\n".join(["", f"### {name}", *sections[-1][1], ""]), flush=True)
        pdf = {}
        if args.pdf:
            memory = {**base, "DATABASE_URL": "sqlite://:memory:"}  # they read no database
            pdf = {"before": pdf_seconds(before, memory), "after": pdf_seconds(ROOT, memory)}
            report["pdf"] = pdf
    finally:
        log.close()
        if not args.keep:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], check=False)
            shutil.rmtree(before, ignore_errors=True)
    load_end = os.getloadavg()
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head_line = (f"{now}: before = {sha} (its own scripts), after = {head}{' + uncommitted changes' if dirty else ''}; "
                 f"{'PostgreSQL' if url.startswith('postgres') else 'SQLite'}, {args.runs} runs, {args.schools} schools, "
                 f"{args.tickets:,} tickets (ledger), seed {args.seed}; load average {load_start[0]:.1f} at the start, "
                 f"{load_end[0]:.1f} at the end ({os.cpu_count()} CPUs); {time.perf_counter() - started:.0f} s in all. "
                 "Ratio = median wall time of the page / median wall time of the login page timed interleaved with it.")
    lines = [head_line, ""]
    for name, rows in sections:
        lines += [f"#### {name}", "", *rows, ""]
    if report.get("pdf"):
        lines += ["#### PDF (no database; seconds, no reference)", "", "| document | before | after | change |", "|---|---:|---:|---:|"]
        for label in report["pdf"]["after"]:
            b, a = report["pdf"]["before"].get(label), report["pdf"]["after"][label]
            lines.append(f"| {label} | {b} s | {a} s | {change(b, a)} |")
    (out / "compare.md").write_text("\n".join(lines) + "\n")
    (out / "compare.json").write_text(json.dumps({"summary": head_line, **report}, ensure_ascii=False, indent=2, default=str))
    print("\n".join(lines))
    print("written to benchmarks/results/compare.md, compare.json; both scripts' output in compare.log")
    return 0


if __name__ == "__main__":
    sys.exit(main())
