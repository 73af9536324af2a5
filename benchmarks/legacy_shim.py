"""Run an older checkout's own benchmark script with this checkout's timing harness.

    python benchmarks/legacy_shim.py CHECKOUT SCRIPT [script options]

``benchmarks/compare.py`` uses it for the "before" side: the script and its data builders are the
old checkout's (they build rows for the old schema), imported from ``CHECKOUT/benchmarks``; only
three things are swapped in from ``harness.py`` before its ``main()`` runs:

- ``configure_database``: the database name gets the ``bench_`` prefix of ``BENCH_DB_PREFIX``
  (the old scripts named theirs ``supervision_*``), so two checkouts never share a database;
- ``measure`` / ``timed`` / ``time_selector``: each page or job is timed interleaved with the
  reference request, so the old figures come with the same ratios as the new ones.

The old script's output and its ``CHECKOUT/benchmarks/results/*.json`` are otherwise its own.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The names the scripts gave their databases before ``harness.database_name``.
OLD_NAMES = {
    "supervision_bench": "monthly_loop",
    "supervision_dashboard_bench": "dashboard",
    "supervision_ledger_bench": "ledger",
    "supervision_bench_monthly_report": "monthly_report",
}


def main() -> int:
    checkout, script, *args = sys.argv[1:]
    checkout = Path(checkout).resolve()
    # Never import this checkout's scripts: only the harness, by its path.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    spec = importlib.util.spec_from_file_location("harness", HERE / "harness.py")
    harness = importlib.util.module_from_spec(spec)
    sys.modules["harness"] = harness
    spec.loader.exec_module(harness)
    sys.path[:0] = [str(checkout), str(checkout / "benchmarks")]
    os.chdir(checkout)

    monthly_loop = importlib.import_module("monthly_loop")
    old_configure = monthly_loop.configure_database

    def configure_database(*, reuse: bool, name: str = "supervision_bench") -> str:
        return old_configure(reuse=reuse, name=harness.database_name(OLD_NAMES.get(name, name)))

    monthly_loop.configure_database = configure_database
    monthly_loop.measure = harness.measure
    module = monthly_loop if script == "monthly_loop" else importlib.import_module(script)
    for attribute, replacement in (("configure_database", configure_database), ("measure", harness.measure),
                                   ("timed", harness.timed), ("time_selector", harness.time_selector)):
        if hasattr(module, attribute):
            setattr(module, attribute, replacement)
    sys.argv = [str(checkout / "benchmarks" / f"{script}.py"), *args]
    return module.main()


if __name__ == "__main__":
    sys.exit(main())
