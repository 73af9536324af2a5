# Sourced by scripts/bootstrap.sh --test (after the virtualenv exists).
# Makes sure the PostgreSQL of DATABASE_URL and the Redis of REDIS_URL and of CELERY_TEST_REDIS_URL
# (the tests' real Celery worker; tests/reports/conftest.py) answer, when they live on this machine: starts them when installed but down, installs them (Debian packages) when missing.
# A remote server, or an empty/SQLite URL, is left alone.

is_local_host() {
    case "$1" in 127.0.0.1 | localhost | ::1 | "") return 0 ;; *) return 1 ;; esac
}

# url_part URL DEFAULT_PORT -> "scheme host port"
url_part() {
    python3 -c 'import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(p.scheme or "-", p.hostname or "127.0.0.1", p.port or sys.argv[2])' "$1" "$2"
}

ensure_postgres() {
    local url="${DATABASE_URL:-}" scheme host port ver installed=0 hba
    case "$url" in postgres://* | postgresql://* | pgsql://*) ;; *) return 0 ;; esac
    read -r scheme host port < <(url_part "$url" 5432)
    if ! port_open "$host" "$port"; then
        is_local_host "$host" || { echo "bootstrap: PostgreSQL at $host:$port does not answer." >&2; return 1; }
        if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
            deb_installed postgresql || installed=1
            apt_ensure postgresql
        fi
        ver="$(ls /etc/postgresql | sort -V | tail -n 1)"
        [ -d "/etc/postgresql/$ver/main" ] || as_root pg_createcluster "$ver" main
        hba="/etc/postgresql/$ver/main/pg_hba.conf"
        if [ "$installed" -eq 1 ] && ! as_root grep -q 'supervision test.sh' "$hba"; then
            # A PostgreSQL installed just for the tests: let local TCP connections in without a password.
            say "Allowing passwordless connections from this machine in $hba (installed for the tests)"
            as_root sed -i '1i host all all 127.0.0.1/32 trust  # supervision test.sh\nhost all all ::1/128 trust  # supervision test.sh' "$hba"
        fi
        say "Starting PostgreSQL $ver"
        as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
        [ "$installed" -eq 1 ] && as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload || true
        wait_port "$host" "$port" 30 || { echo "bootstrap: PostgreSQL did not start on $host:$port." >&2; return 1; }
    fi
    # Can we log in? (pytest-django connects to the "postgres" database to create test_<name>.)
    "$VENV/bin/python" - "$url" <<'PY' || return 1
import sys, urllib.parse as u
import psycopg2
url = u.urlsplit(sys.argv[1].replace("pgsql://", "postgresql://", 1))
dsn = u.urlunsplit(("postgresql", url.netloc, "/postgres", url.query, ""))
try:
    psycopg2.connect(dsn, connect_timeout=5).close()
except psycopg2.OperationalError as exc:
    sys.exit(f"bootstrap: cannot log in to PostgreSQL with DATABASE_URL={sys.argv[1]}:\n{exc}"
             "Set DATABASE_URL to a role that may create databases, or DATABASE_URL= (empty) for SQLite.")
PY
}

ensure_redis() {
    local url="$1" scheme host port
    case "$url" in redis://* | rediss://*) ;; *) return 0 ;; esac
    read -r scheme host port < <(url_part "$url" 6379)
    port_open "$host" "$port" && return 0
    is_local_host "$host" || { echo "bootstrap: Redis at $host:$port does not answer." >&2; return 1; }
    command -v redis-server >/dev/null 2>&1 || apt_ensure redis-server
    if ! wait_port "$host" "$port" 2; then
        say "Starting Redis on port $port"
        as_root mkdir -p /var/lib/redis /var/log/redis
        as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no \
            --dir /var/lib/redis --logfile /var/log/redis/ci.log
    fi
    wait_port "$host" "$port" 30 || { echo "bootstrap: Redis did not start on $host:$port." >&2; return 1; }
}

ensure_postgres
ensure_redis "${REDIS_URL:-}"
ensure_redis "${CELERY_TEST_REDIS_URL:-redis://127.0.0.1:6379/13}"
