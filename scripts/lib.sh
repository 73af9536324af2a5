# Helpers sourced by scripts/bootstrap.sh and scripts/services.sh (not run on its own).

say() { printf '==> %s\n' "$*"; }

# Run a command as root: directly when we are root, through sudo when it exists.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "bootstrap: need root to run: $*" >&2
        echo "bootstrap: run it as root (or install sudo), then run this command again." >&2
        return 1
    fi
}

deb_installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

APT_UPDATED="${APT_UPDATED:-0}"
# apt_ensure PKG... : install those of the packages that are not installed yet
# (`apt-get update` once, and only when something is missing).
apt_ensure() {
    local missing=() pkg
    if ! command -v dpkg >/dev/null 2>&1; then
        echo "bootstrap: not a Debian-based system; make sure these are installed: $*" >&2
        return 0
    fi
    for pkg in "$@"; do
        deb_installed "$pkg" || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    say "Installing Debian packages: ${missing[*]}"
    if [ "$APT_UPDATED" -eq 0 ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# port_open HOST PORT : is something listening there?
port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" >/dev/null 2>&1
}

# wait_port HOST PORT SECONDS
wait_port() {
    local i
    for ((i = 0; i < $3 * 2; i++)); do
        port_open "$1" "$2" && return 0
        sleep 0.5
    done
    return 1
}
