#!/usr/bin/env bash
# Command 2: set up and run the whole test suite (arguments go to pytest, e.g. ./test.sh -k roster).
# Tests run against PostgreSQL and a real Celery worker over Redis; both are installed and started
# here when they are missing. DATABASE_URL / REDIS_URL point elsewhere when already set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# Empty values are kept: `DATABASE_URL= REDIS_URL= ./test.sh` runs on SQLite with in-process Celery.
export DATABASE_URL="${DATABASE_URL-postgres://postgres@127.0.0.1:5432/supervision}"
export REDIS_URL="${REDIS_URL-redis://127.0.0.1:6379/0}"
scripts/bootstrap.sh --test

echo "==> Checking that every model change has a migration"
DATABASE_URL="sqlite://:memory:" .venv/bin/python manage.py makemigrations --check --dry-run

echo "==> Running the tests"
set +e
.venv/bin/pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "test.sh: pytest collected no tests; that counts as a failure." >&2
    exit 1
fi
exit "$rc"
