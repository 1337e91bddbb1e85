#!/usr/bin/env bash
# Create the project's virtual environment in .venv/ and keep it in step with requirements*.txt.
#
# - .venv/ is created with `python3 -m venv` when missing (or when its interpreter no longer runs,
#   e.g. after the Python it was made from went away).
# - `pip install -r requirements-dev.txt` runs only when the requirements files (or the Python
#   version) changed since the last successful install: a sha256 of them is kept in
#   .venv/.requirements.sha256. Deleting that file forces a reinstall.
# - Quiet on success; on failure pip's log is printed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
VENV="$ROOT/.venv"
STAMP="$VENV/.requirements.sha256"
PYTHON="${PYTHON:-python3}"

# Never fails: a closed stderr (a pipe whose reader was interrupted too) must not abort.
log() { printf 'bootstrap: %s\n' "$*" >&2 2>/dev/null || true; }
die() { log "error: $*"; exit 1; }

# Several `make` targets may run at once (make run in one terminal, make test in another): a lock
# keeps two pip installs from writing into the same venv concurrently.
take_lock() {
    mkdir -p "$ROOT/var"
    exec 8>"$ROOT/var/.bootstrap.lock"
    flock -w 900 8 || die "could not lock $ROOT/var/.bootstrap.lock"
}

# Debian's own python3 ships venv without ensurepip (package python3.X-venv); install it if that
# is what we are looking at and we are allowed to.
ensure_venv_module() {
    if "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        return
    fi
    local pkg
    pkg="python$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"
    if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null; then
        die "$PYTHON lacks the venv/ensurepip modules; install $pkg"
    fi
    log "installing $pkg (python3 -m venv needs it)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$pkg" >/dev/null
}

venv_works() {
    [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c 'import pip' >/dev/null 2>&1
}

create_venv() {
    if venv_works; then
        return
    fi
    ensure_venv_module
    if [[ -e "$VENV" ]]; then
        log "recreating $VENV (its interpreter does not run)"
        "$PYTHON" -m venv --clear "$VENV"
    else
        "$PYTHON" -m venv "$VENV"
    fi
}

# A digest of everything that decides what pip installs: each requirements file's name and
# content, plus the interpreter version.
requirements_digest() {
    (
        cd "$ROOT"
        "$VENV/bin/python" -c 'import sys; print(sys.version)'
        for f in requirements*.txt; do
            [[ -f "$f" ]] || continue
            printf '== %s\n' "$f"
            cat "$f"
        done
    ) | sha256sum | cut -d' ' -f1
}

install_requirements() {
    local want have=""
    want="$(requirements_digest)"
    [[ -f "$STAMP" ]] && have="$(cat "$STAMP")"
    if [[ "$want" == "$have" ]]; then
        return
    fi
    [[ -f "$ROOT/requirements-dev.txt" ]] || die "missing $ROOT/requirements-dev.txt"
    log "installing Python requirements into .venv (first run, or requirements changed)..."
    local started=$SECONDS pip_log
    pip_log="$(mktemp)"
    # -r paths inside requirements-dev.txt are relative to the file, cwd does not matter; cd
    # anyway so any relative path pip prints is readable.
    if ! (cd "$ROOT" && "$VENV/bin/python" -m pip install --disable-pip-version-check \
            --no-input -q -r requirements-dev.txt) >"$pip_log" 2>&1; then
        cat "$pip_log" >&2
        rm -f "$pip_log"
        die "pip install -r requirements-dev.txt failed"
    fi
    rm -f "$pip_log"
    printf '%s\n' "$want" >"$STAMP"
    log "requirements installed in $((SECONDS - started))s"
}

main() {
    take_lock
    create_venv
    install_requirements
}

main "$@"
