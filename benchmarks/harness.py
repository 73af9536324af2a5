"""What every benchmark shares: an isolated database, and timing against a reference measured in
the same run.

The reference is a fixed, cheap request — the login page, anonymous, through the whole middleware
stack — timed interleaved with the page being measured (reference, page, reference, page, …). A
page's **ratio** is its median wall time divided by the reference's median wall time in the same
loop: it moves much less than milliseconds when the machine is busier or faster, so ratios from
two runs, two checkouts or two machines can be compared. Milliseconds (wall and CPU of this
process) and the number of SQL queries are reported next to it.

This module does not depend on the schema: ``benchmarks/compare.py`` also loads it into an older
checkout's own benchmark scripts (see ``benchmarks/legacy_shim.py``).
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REFERENCE_URL = "/accounts/login/"
WARMUP = 2
DEFAULT_PREFIX = "bench_"


def database_name(name: str) -> str:
    """``name`` with the prefix from ``BENCH_DB_PREFIX`` (default ``bench_``): every benchmark database
    starts with ``bench_``, and two checkouts compared side by side give theirs different prefixes."""
    prefix = os.environ.get("BENCH_DB_PREFIX", DEFAULT_PREFIX)
    if not prefix.startswith(DEFAULT_PREFIX):
        raise SystemExit(f"BENCH_DB_PREFIX must start with {DEFAULT_PREFIX!r}, got {prefix!r}")
    full = f"{prefix}{name}"
    if len(full) > 63:
        raise SystemExit(f"database name too long for PostgreSQL: {full}")
    return full


def configure_database(*, reuse: bool, name: str) -> str:
    """Point Django at an isolated benchmark database (``database_name(name)``), created empty (or
    kept, with ``reuse``): a database on the PostgreSQL server of ``DATABASE_URL``, else a SQLite file
    in the system temp directory. Never the development data."""
    name = database_name(name)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg2

        parts = urlsplit(url)
        admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not (reuse and cursor.fetchone()):
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        bench = urlunsplit(parts._replace(path=f"/{name}"))
    else:
        path = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
        if not reuse:
            path.unlink(missing_ok=True)
        bench = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = bench
    # Timed as in production: DEBUG off (no query log), plain static storage, no HTTPS redirect.
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["STATICFILES_BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    os.environ["REDIS_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")
    return bench


class Reference:
    """The fixed request every figure is divided by: GET the login page, anonymous."""

    def __init__(self):
        from django.test import Client

        self.client = Client()
        for _ in range(WARMUP):
            self.once()

    def once(self) -> tuple[float, float]:
        start, start_cpu = time.perf_counter(), time.process_time()
        response = self.client.get(REFERENCE_URL)
        wall, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000
        assert response.status_code == 200, response.status_code
        return wall, cpu


_reference: Reference | None = None


def reference() -> Reference:
    global _reference
    if _reference is None:
        _reference = Reference()
    return _reference


def interleaved(fn, runs: int, *, warmup: int = 0) -> dict:
    """Time ``fn`` ``runs`` times, each run preceded by one reference request. Returns the medians
    (wall and CPU) of both, the ratio of the medians, and ``fn``'s last result."""
    ref = reference()
    for _ in range(warmup):
        fn()
    walls, cpus, ref_walls, ref_cpus, result = [], [], [], [], None
    for _ in range(runs):
        wall, cpu = ref.once()
        ref_walls.append(wall)
        ref_cpus.append(cpu)
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - start_cpu) * 1000)
    median, ref_median = statistics.median(walls), statistics.median(ref_walls)
    cpu_median, ref_cpu_median = statistics.median(cpus), statistics.median(ref_cpus)
    return {
        "median_ms": round(median, 1),
        "min_ms": round(min(walls), 1),
        "max_ms": round(max(walls), 1),
        # CPU time of this process (SQLite runs in it, PostgreSQL does not): steadier on a busy machine.
        "median_cpu_ms": round(cpu_median, 1),
        "ref_median_ms": round(ref_median, 2),
        "ref_median_cpu_ms": round(ref_cpu_median, 2),
        "ratio": round(median / ref_median, 2),
        "cpu_ratio": round(cpu_median / ref_cpu_median, 2) if ref_cpu_median else None,
        "runs": runs,
        "result": result,
    }


def count_queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def measure(client, user, url: str, runs: int) -> dict:
    """A page requested with ``client`` as ``user``: medians, ratio to the reference, SQL queries."""
    client.force_login(user)

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    timed = interleaved(get, runs, warmup=WARMUP)  # warm: templates, session, connection
    response = timed.pop("result")
    return {**timed, "queries": count_queries(get), "bytes": len(response.content)}


def timed(fn, runs: int, *, warmup: int = 0) -> dict:
    """A function (a job, a builder) timed like a page; keeps its last result under ``result``."""
    result = interleaved(fn, runs, warmup=warmup)
    result["queries"] = count_queries(fn)
    return result


def time_selector(scope, period, today, runs: int, group: str) -> dict:
    """The dashboard's figures alone (``dashboard_figures``), timed like a page."""
    from reports.dashboard import selectors

    result = timed(lambda: selectors.dashboard_figures(scope=scope, period=period, today=today, group=group), runs, warmup=1)
    result.pop("result")
    return result


def fmt_row(label: str, result: dict, width: int = 52) -> str:
    cpu = f"{result['median_cpu_ms']:>7.1f}ms" if result.get("median_cpu_ms") is not None else f"{'':>9}"
    return (f"{label:<{width}} {result['median_ms']:>7.1f}ms {cpu} {result['ratio']:>6.2f}x "
            f"{result.get('queries', ''):>7}")


def header(first: str = "page", width: int = 52) -> str:
    return f"{first:<{width}} {'median':>9} {'cpu':>9} {'ratio':>7} {'queries':>7}"
