#!/usr/bin/env bash
# Shared setup for ./run.sh and ./test.sh. Idempotent, and quick when everything is present.
#
#   scripts/bootstrap.sh          # what the product needs to run
#   scripts/bootstrap.sh --test   # ... plus what the test suite needs: Chromium, poppler-utils,
#                                 # and the PostgreSQL/Redis of DATABASE_URL/REDIS_URL (services.sh)
#
# 1. Debian packages, installed with apt-get only when missing (one `apt-get update` first):
#    Pango (WeasyPrint), CJK fonts, libharfbuzz-subset0 (without it WeasyPrint spends seconds
#    subsetting CJK fonts for every PDF), gettext (compilemessages); for tests also chromium,
#    chromium-driver and poppler-utils (pdftotext/pdftoppm/pdfinfo).
# 2. .venv with the machine's python3, `pip install -r requirements.txt` only when
#    requirements.txt changed since the last successful install (stamp in .venv/).
# 3. manage.py compilemessages (when a .po file is newer than its .mo).
# 4. With --test: scripts/services.sh (PostgreSQL and Redis up when they live on this machine).
#
# Never runs `playwright install`: the browser tests use Debian's /usr/bin/chromium.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WITH_TEST=0
for arg in "$@"; do
    case "$arg" in
        --test) WITH_TEST=1 ;;
        *) echo "bootstrap: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

source "$ROOT/scripts/lib.sh"

PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"

# --- 1. Debian packages -------------------------------------------------------------------------
DEB_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk libharfbuzz-subset0 gettext)
if [ "$WITH_TEST" -eq 1 ]; then
    DEB_PACKAGES+=(chromium chromium-driver poppler-utils)
fi
# Debian's own python3 cannot make a virtualenv without python3-venv (ensurepip).
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "bootstrap: $PYTHON not found; install Python 3.11 first." >&2
    exit 1
fi
if [ ! -x "$VENV/bin/python" ] && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    DEB_PACKAGES+=("python3-venv")
fi
apt_ensure "${DEB_PACKAGES[@]}"

# --- 2. virtualenv and Python packages -----------------------------------------------------------
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "bootstrap: $("$PYTHON" --version 2>&1) is too old; Python 3.11 or newer is needed." >&2
    exit 1
fi
# A .venv copied from another machine (or whose Python was removed) is rebuilt.
if [ -d "$VENV" ] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    say "Rebuilding the broken virtualenv in .venv"
    rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the virtualenv .venv with $("$PYTHON" --version 2>&1)"
    "$PYTHON" -m venv "$VENV"
fi

STAMP="$VENV/.requirements.sha256"
WANT="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT" ]; then
    say "Installing Python packages from requirements.txt"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
    echo "$WANT" > "$STAMP"
fi

# WhiteNoise warns on every request when the default STATIC_ROOT folder does not exist yet.
mkdir -p "$ROOT/staticfiles"

# --- 3. translations -----------------------------------------------------------------------------
# Only our own locale/ folders (never .venv's), and only when a .po file is newer than its .mo.
STALE_PO=0
while IFS= read -r po; do
    [ "${po%.po}.mo" -nt "$po" ] || STALE_PO=1
done < <(find . -path ./.venv -prune -o -path ./node_modules -prune -o -path '*/locale/*' -name '*.po' -print)
if [ "$STALE_PO" -eq 1 ]; then
    say "Compiling translations"
    "$VENV/bin/python" manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=staticfiles \
        --verbosity 0
fi

# --- 4. services for the tests -------------------------------------------------------------------
if [ "$WITH_TEST" -eq 1 ]; then
    source "$ROOT/scripts/services.sh"
fi
