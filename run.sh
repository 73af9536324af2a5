#!/usr/bin/env bash
# Command 1: set up and run the product on this machine.
# Embedded defaults: SQLite (db.sqlite3), Celery tasks run in-process (no REDIS_URL), the beat
# schedule run by the server itself (supervision/scheduler.py), demo data.
# HOST and PORT change where the server listens (default 127.0.0.1:8000).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

scripts/bootstrap.sh

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
PY=.venv/bin/python

echo "==> Preparing the database"
"$PY" manage.py migrate --noinput
echo "==> Loading demo data"
"$PY" manage.py seed_demo

echo
echo "==> 督导系统 is starting at http://${HOST}:${PORT}  (stop it with Ctrl+C)"
echo "    Log in with one of the demo accounts listed above."
echo "    Scheduled jobs (daily checks 07:30 and 07:45, reminders on the 20th and 25th, drafts on the 27th)"
echo "    run inside this server while it runs; those already due today run at start."
echo
DEBUG="${DEBUG:-true}" LOG_FORMAT="${LOG_FORMAT:-text}" STATICFILES_BACKEND="${STATICFILES_BACKEND:-django.contrib.staticfiles.storage.StaticFilesStorage}" exec "$PY" manage.py runserver "${HOST}:${PORT}"
