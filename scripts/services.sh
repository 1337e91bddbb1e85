#!/usr/bin/env bash
# Local PostgreSQL 15 and Redis 7 for development and tests, kept under var/.
#
#   scripts/services.sh up [postgres|redis ...]     start (idempotent; installs Debian packages if missing)
#   scripts/services.sh down [postgres|redis ...]   stop
#   scripts/services.sh status                      print what runs (exit 3 if a needed service is down)
#   scripts/services.sh env                         print DATABASE_URL=... and REDIS_URL=... lines
#
# With DATABASE_URL (resp. REDIS_URL) set, that service is external and `up` leaves it alone.
#
# Layout (the Django settings compute the same paths, see crm/settings/data.py):
#   var/postgres/data               the cluster (initdb -A trust -U postgres), database `crm`
#   var/postgres/.s.PGSQL.5432      its Unix socket; listen_addresses='' (no TCP), so several
#                                   checkouts can run side by side; 5432 only names the socket
#   var/redis/redis.sock            Redis, Unix socket only (--port 0)
#
# initdb and pg_ctl refuse to run as root, so as root the cluster belongs to the `postgres` system
# user. That user cannot reach a project living under a directory it may not traverse (CI clones
# into a 0700 `mktemp -d`): then the cluster lives in /tmp/crm-pg-<sha of the project path> and
# var/postgres is a symlink to it, so the socket path under var/ still works for root's clients.
#
# If CRM_SERVICES_STARTED_FILE is set, `up` appends the name of each service it actually started
# (not those already running) to that file: scripts/run.sh uses it to stop only what it started.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
VAR_DIR="${CRM_VAR_DIR:-$ROOT/var}"
PG_BIN="/usr/lib/postgresql/15/bin"
PG_PORT=5432
PG_DIR="$VAR_DIR/postgres"            # socket dir; a symlink into /tmp in the 0700 case
PG_SOCKET="$PG_DIR/.s.PGSQL.$PG_PORT"
PG_DB=crm
REDIS_DIR="$VAR_DIR/redis"
REDIS_SOCKET="$REDIS_DIR/redis.sock"
REDIS_PIDFILE="$REDIS_DIR/redis.pid"
# sun_path is 108 bytes including the terminating NUL
MAX_SOCKET_PATH=107

APT_UPDATED=0

# Never fails: a closed stderr (a pipe whose reader was interrupted too) must not abort.
log() { printf 'services: %s\n' "$*" >&2 2>/dev/null || true; }
die() { log "error: $*"; exit 1; }

# Seconds since the epoch with microseconds, for timing each step.
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2fs", b - a }'; }

# ---------------------------------------------------------------------------------------------
# packages

apt_install() {
    if [[ $EUID -ne 0 ]]; then
        die "missing $*; install them (apt-get install -y $*) or run as root"
    fi
    export DEBIAN_FRONTEND=noninteractive
    local apt_log="$VAR_DIR/log/apt.log" t
    mkdir -p "$VAR_DIR/log"
    t=$(now)
    log "installing $* with apt-get (once per machine)..."
    # apt-get update at most once per run of this script.
    if [[ $APT_UPDATED -eq 0 ]]; then
        apt-get update -q >>"$apt_log" 2>&1 || { tail -n 30 "$apt_log" >&2; die "apt-get update failed"; }
        APT_UPDATED=1
    fi
    # The lock timeout waits for another apt run (e.g. a parallel `make`) instead of failing.
    # 9>&-: package scripts may start daemons, which must not inherit this script's lock.
    apt-get install -y -q -o DPkg::Lock::Timeout=300 "$@" >>"$apt_log" 2>&1 9>&- \
        || { tail -n 30 "$apt_log" >&2; die "apt-get install $* failed (log: $apt_log)"; }
    log "installed $* in $(elapsed "$t")"
}

ensure_postgres_installed() {
    if [[ ! -x "$PG_BIN/initdb" || ! -x "$PG_BIN/pg_ctl" ]]; then
        apt_install postgresql postgresql-contrib
    fi
    [[ -x "$PG_BIN/pg_ctl" ]] || die "PostgreSQL 15 not found in $PG_BIN after install"
    if [[ $EUID -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
        # The Debian package creates this user; only a hand-made install would lack it.
        useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    fi
}

ensure_redis_installed() {
    if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
        apt_install redis-server
    fi
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

# Run a PostgreSQL server program as the cluster's owner. As root that is the `postgres` user;
# `cd /` first because its current directory may be one it cannot enter (initdb and pg_ctl warn,
# and postgres would start in it). As another user, the cluster is simply that user's.
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

pg_can_reach() {
    [[ $EUID -ne 0 ]] || (cd / && runuser -u postgres -- test -x "$1" -a -w "$1") 2>/dev/null
}

check_socket_length() {
    local path="$1" what="$2"
    if ((${#path} > MAX_SOCKET_PATH)); then
        die "$what socket path is ${#path} bytes, over the ${MAX_SOCKET_PATH}-byte limit of Unix sockets: $path
  move the project to a shorter path, or set DATABASE_URL / REDIS_URL to external services"
    fi
}

# Make $PG_DIR a directory the postgres user owns, either in place or as a symlink into /tmp.
# Prints nothing; afterwards $PG_REAL is the physical directory (what the server is told).
PG_REAL=""
prepare_pg_dir() {
    mkdir -p "$VAR_DIR"
    chmod a+rx "$VAR_DIR" 2>/dev/null || true   # a restrictive umask must not lock postgres out

    if [[ $EUID -eq 0 ]] && ! (cd / && runuser -u postgres -- test -x "$VAR_DIR") 2>/dev/null; then
        # The postgres user cannot traverse some ancestor of the project: keep the cluster in /tmp.
        local sha target
        sha="$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
        target="/tmp/crm-pg-$sha"
        if [[ -d "$PG_DIR" && ! -L "$PG_DIR" ]]; then
            # A cluster made while the path was reachable (the project was moved): carry it over.
            [[ -e "$target" ]] && die "both $PG_DIR and $target exist; remove one"
            mv "$PG_DIR" "$target"
        fi
        if [[ ! -d "$target" ]]; then
            # Missing after a reboot cleared /tmp, or first run: a fresh cluster will be made.
            install -d -o postgres -g postgres -m 0755 "$target"
        fi
        [[ "$(stat -c %U "$target")" == postgres ]] \
            || die "$target exists but is not owned by postgres; remove it"
        if [[ "$(readlink "$PG_DIR" 2>/dev/null)" != "$target" ]]; then
            rm -f "$PG_DIR"
            ln -s "$target" "$PG_DIR"
        fi
        PG_REAL="$target"
    else
        if [[ -L "$PG_DIR" && ! -d "$PG_DIR" ]]; then
            # Dangling symlink into a /tmp that was cleared: recreate its target.
            local target
            target="$(readlink "$PG_DIR")"
            install -d -m 0755 "$target"
        fi
        mkdir -p "$PG_DIR"
        PG_REAL="$(cd "$PG_DIR" && pwd -P)"
        if [[ $EUID -eq 0 && "$(stat -c %U "$PG_REAL")" != postgres ]]; then
            chown postgres:postgres "$PG_REAL"
            chmod 0755 "$PG_REAL"
        fi
    fi
    pg_can_reach "$PG_REAL" || die "the postgres user cannot write to $PG_REAL"
}

pg_data() { printf '%s/data' "$PG_REAL"; }

pg_ready() {
    [[ -S "$PG_SOCKET" ]] && "$PG_BIN/pg_isready" -q -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -t 3
}

# The postmaster pid from postmaster.pid, if that process is alive and really is a postgres
# server of this data directory (after a reboot or crash the pid may belong to anything).
pg_live_pid() {
    local pidfile pid
    pidfile="$(pg_data)/postmaster.pid"
    [[ -f "$pidfile" ]] || return 1
    pid="$(head -n1 "$pidfile" 2>/dev/null)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$(pg_data)" || return 1
    printf '%s' "$pid"
}

pg_initdb() {
    local data t
    data="$(pg_data)"
    t=$(now)
    # A half-made data dir (initdb interrupted) has no PG_VERSION: start over.
    [[ -e "$data" ]] && rm -rf "$data"
    local initdb_log="$PG_REAL/initdb.log"
    as_pg "$PG_BIN/initdb" -D "$data" -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8 \
        --no-sync >"$initdb_log" 2>&1 || { cat "$initdb_log" >&2; die "initdb failed"; }
    log "postgres: initdb $data ($(elapsed "$t"))"
}

pg_start() {
    local data t
    data="$(pg_data)"
    t=$(now)
    if [[ "$PG_REAL" == *"'"* ]]; then
        die "the project path must not contain a single quote: $PG_REAL"
    fi
    # Stale lock files after a crash or reboot: postgres itself refuses to start when the pid in
    # them was reused by another process.
    rm -f "$data/postmaster.pid" "$PG_REAL/.s.PGSQL.$PG_PORT" "$PG_REAL/.s.PGSQL.$PG_PORT.lock"
    # pg_ctl hands -o to a shell: quote the socket directory. fsync & co. off: dev/test data only.
    local opts="-c listen_addresses='' -k '$PG_REAL' -p $PG_PORT -c max_connections=200"
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    # 9>&-: the server must not inherit the lock of this script (it would hold it forever).
    if ! as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$PG_REAL/postgres.log" -o "$opts" -w -t 60 -s start 9>&-; then
        tail -n 30 "$PG_REAL/postgres.log" >&2 || true
        die "PostgreSQL did not start (log: $PG_DIR/postgres.log)"
    fi
    log "postgres: started on $PG_SOCKET ($(elapsed "$t"))"
}

# Database `crm`, and pg_trgm in template1 too so that test databases (copies of template1) have it.
pg_ensure_database() {
    local t
    t=$(now)
    local -a psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U postgres)
    export PGOPTIONS="-c client_min_messages=warning"
    "${psql[@]}" -d template1 -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm' >/dev/null
    if [[ -z "$("${psql[@]}" -d postgres -Atc "select 1 from pg_database where datname='$PG_DB'")" ]]; then
        "${psql[@]}" -d postgres -c "CREATE DATABASE $PG_DB" >/dev/null
        log "postgres: created database $PG_DB"
    fi
    "${psql[@]}" -d "$PG_DB" -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm' >/dev/null
    unset PGOPTIONS
    log "postgres: database $PG_DB ready ($(elapsed "$t"))"
}

postgres_up() {
    ensure_postgres_installed
    check_socket_length "$PG_SOCKET" "PostgreSQL"
    prepare_pg_dir
    local started=0
    if pg_ready; then
        log "postgres: already running on $PG_SOCKET"
    elif pg_live_pid >/dev/null; then
        # Our server is alive but not answering yet (still starting, or recovering after a
        # crash): give it time rather than starting a second one.
        local i
        for ((i = 0; i < 60; i++)); do pg_ready && break; sleep 0.5; done
        pg_ready || die "PostgreSQL (pid $(pg_live_pid)) runs but does not answer on $PG_SOCKET"
        log "postgres: already running on $PG_SOCKET"
    else
        [[ -f "$(pg_data)/PG_VERSION" ]] || pg_initdb
        pg_start
        started=1
    fi
    pg_ensure_database
    if ((started)) && [[ -n "${CRM_SERVICES_STARTED_FILE:-}" ]]; then
        echo postgres >>"$CRM_SERVICES_STARTED_FILE"
    fi
}

postgres_down() {
    if [[ ! -d "$PG_DIR/data" ]]; then
        return
    fi
    PG_REAL="$(cd "$PG_DIR" && pwd -P)"
    if pg_live_pid >/dev/null; then
        local t
        t=$(now)
        as_pg "$PG_BIN/pg_ctl" -D "$(pg_data)" -m fast -w -t 60 -s stop
        log "postgres: stopped ($(elapsed "$t"))"
    fi
}

postgres_status() {
    if [[ -n "${DATABASE_URL:-}" ]]; then
        echo "postgres: external (DATABASE_URL is set)"
        return 0
    fi
    if [[ -d "$PG_DIR" ]]; then
        PG_REAL="$(cd "$PG_DIR" && pwd -P)"
    fi
    local pid=""
    [[ -n "$PG_REAL" ]] && pid="$(pg_live_pid || true)"
    if pg_ready; then
        echo "postgres: running (pid ${pid:-?}, socket $PG_SOCKET, data $PG_REAL/data)"
    elif [[ -n "$pid" ]]; then
        echo "postgres: starting or not answering (pid $pid)"
        return 1
    else
        echo "postgres: stopped"
        return 1
    fi
}

# ---------------------------------------------------------------------------------------------
# Redis

redis_ready() {
    [[ -S "$REDIS_SOCKET" ]] && [[ "$(timeout 3 redis-cli -s "$REDIS_SOCKET" ping 2>/dev/null)" == PONG ]]
}

# The pid in our pid file, if alive and really a redis-server on our socket.
redis_live_pid() {
    [[ -f "$REDIS_PIDFILE" ]] || return 1
    local pid
    pid="$(head -n1 "$REDIS_PIDFILE" 2>/dev/null)"
    [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q redis-server || return 1
    # redis rewrites its argv, but it chdirs to --dir: its cwd tells which checkout it serves.
    [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$(cd "$REDIS_DIR" && pwd -P)" ]] || return 1
    printf '%s' "$pid"
}

# True while process $1 exists and is not a zombie (a daemon's zombie lingers until whatever
# reaps orphans here gets to it, which in a container may be late or never).
alive() {
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ "${stat:0:1}" != Z ]]
}

# Wait up to $2 seconds for process $1 to exit; false if it is still there.
wait_gone() {
    local pid="$1" deadline=$((SECONDS + $2))
    while alive "$pid"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.05
    done
}

redis_wait_ready() {
    local i
    for ((i = 0; i < 100; i++)); do redis_ready && return 0; sleep 0.05; done
    return 1
}

redis_up() {
    ensure_redis_installed
    check_socket_length "$REDIS_SOCKET" "Redis"
    mkdir -p "$REDIS_DIR"
    if redis_ready; then
        log "redis: already running on $REDIS_SOCKET"
        return
    fi
    if redis_live_pid >/dev/null; then
        redis_wait_ready || die "redis-server (pid $(redis_live_pid)) runs but does not answer on $REDIS_SOCKET"
        log "redis: already running on $REDIS_SOCKET"
        return
    fi
    local t
    t=$(now)
    # Stale after a crash or reboot.
    rm -f "$REDIS_PIDFILE" "$REDIS_SOCKET"
    # No persistence (--save '' --appendonly no): dev/test data only. --dir is also its cwd.
    redis-server --port 0 --unixsocket "$REDIS_SOCKET" --unixsocketperm 777 \
        --dir "$REDIS_DIR" --daemonize yes --pidfile "$REDIS_PIDFILE" \
        --logfile "$REDIS_DIR/redis.log" --save '' --appendonly no 9>&- \
        || die "redis-server failed to start (log: $REDIS_DIR/redis.log)"
    if ! redis_wait_ready; then
        tail -n 20 "$REDIS_DIR/redis.log" >&2 || true
        die "Redis did not answer on $REDIS_SOCKET (log: $REDIS_DIR/redis.log)"
    fi
    log "redis: started on $REDIS_SOCKET ($(elapsed "$t"))"
    if [[ -n "${CRM_SERVICES_STARTED_FILE:-}" ]]; then
        echo redis >>"$CRM_SERVICES_STARTED_FILE"
    fi
}

redis_down() {
    [[ -d "$REDIS_DIR" ]] || return 0
    local pid t
    pid="$(redis_live_pid || true)"
    if ! redis_ready && [[ -z "$pid" ]]; then
        rm -f "$REDIS_PIDFILE" "$REDIS_SOCKET"
        return
    fi
    t=$(now)
    timeout 5 redis-cli -s "$REDIS_SOCKET" shutdown nosave >/dev/null 2>&1 || true
    if [[ -n "$pid" ]]; then
        # shutdown may not have been heard (socket gone): fall back to signals.
        wait_gone "$pid" 5 || kill -TERM "$pid" 2>/dev/null || true
        wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" 2 || true
    fi
    rm -f "$REDIS_PIDFILE" "$REDIS_SOCKET"
    log "redis: stopped ($(elapsed "$t"))"
}

redis_status() {
    if [[ -n "${REDIS_URL:-}" ]]; then
        echo "redis: external (REDIS_URL is set)"
        return 0
    fi
    local pid=""
    [[ -d "$REDIS_DIR" ]] && pid="$(redis_live_pid || true)"
    if redis_ready; then
        echo "redis: running (pid ${pid:-?}, socket $REDIS_SOCKET)"
    else
        echo "redis: stopped"
        return 1
    fi
}

# ---------------------------------------------------------------------------------------------
# env

# Percent-encode a string for use as the host part of a URL (dj-database-url decodes it).
urlencode() {
    local s="$1" out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c="${s:i:1}"
        case "$c" in
            [a-zA-Z0-9._~-]) out+="$c" ;;
            *) out+="$(printf '%%%02X' "'$c")" ;;
        esac
    done
    printf '%s' "$out"
}

print_env() {
    # The effective values: the external service when set, else the local one (which is also
    # what the Django settings use when the variable is unset).
    printf 'DATABASE_URL=%s\n' "${DATABASE_URL:-postgres://postgres@$(urlencode "$PG_DIR")/$PG_DB}"
    printf 'REDIS_URL=%s\n' "${REDIS_URL:-unix://$REDIS_SOCKET}"
}

# ---------------------------------------------------------------------------------------------

# Which services a command applies to: those named, else both.
want() {
    local name="$1"
    shift
    (($# == 0)) && return 0
    local s
    for s in "$@"; do [[ "$s" == "$name" ]] && return 0; done
    return 1
}

take_lock() {
    mkdir -p "$VAR_DIR"
    # Serialises concurrent `up`/`down` of the same checkout (e.g. make run and make test).
    # Every daemon this script starts is started with 9>&-, else it would inherit the lock.
    exec 9>"$VAR_DIR/.services.lock"
    flock -w 300 9 || die "could not lock $VAR_DIR/.services.lock"
}

usage() {
    echo "usage: $0 up|down|status|env [postgres|redis ...]" >&2
    exit 2
}

main() {
    (($# >= 1)) || usage
    local cmd="$1"
    shift
    local s
    for s in "$@"; do [[ "$s" == postgres || "$s" == redis ]] || usage; done
    case "$cmd" in
        up)
            take_lock
            local t
            t=$(now)
            if want postgres "$@"; then
                if [[ -n "${DATABASE_URL:-}" ]]; then
                    log "postgres: external (DATABASE_URL is set), not starting a local one"
                else
                    postgres_up
                fi
            fi
            if want redis "$@"; then
                if [[ -n "${REDIS_URL:-}" ]]; then
                    log "redis: external (REDIS_URL is set), not starting a local one"
                else
                    redis_up
                fi
            fi
            log "up ($(elapsed "$t"))"
            ;;
        down)
            # Stops the local services under var/ whatever DATABASE_URL / REDIS_URL say: they
            # are ours either way.
            take_lock
            if want redis "$@"; then redis_down; fi
            if want postgres "$@"; then postgres_down; fi
            ;;
        status)
            local rc=0
            postgres_status || rc=3
            redis_status || rc=3
            return $rc
            ;;
        env)
            print_env
            ;;
        *) usage ;;
    esac
}

main "$@"
