#!/usr/bin/env bash
# The body of `make run`: everything needed to use the CRM locally, from a fresh machine.
#
#   1. .venv/ (scripts/bootstrap.sh) and PostgreSQL + Redis (scripts/services.sh up)
#   2. manage.py setup_platform, then the demo tenant `demo` with sample data
#   3. in the background: the ASGI server (HTTP + WebSocket, its log on this terminal), a Celery
#      worker and Celery beat (logs in var/log/)
#
# Ctrl-C (or SIGTERM) stops the three processes, then only those services that this run started:
# a PostgreSQL/Redis that was already up (another `make run`, `make services`) is left running.
# PORT changes the HTTP port (default 8000).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

PORT="${PORT:-8000}"
VENV_BIN="$ROOT/.venv/bin"
VAR_DIR="${CRM_VAR_DIR:-$ROOT/var}"
LOG_DIR="$VAR_DIR/log"
DEMO_TENANT=demo
DEMO_EMAIL=admin@demo.localhost
DEMO_PASSWORD='DemoPass!2345'
OPERATOR_EMAIL=operator@localhost

# Webhook deliveries to local receivers (a developer's test endpoint) are allowed in development.
export CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=1

# Never fails: a closed stderr (a pipe whose reader was interrupted too) must not abort.
log() { printf 'run: %s\n' "$*" >&2 2>/dev/null || true; }
die() { log "error: $*"; exit 1; }
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# Run one setup step, printing how long it took.
step() {
    local what="$1" t
    shift
    t=$(now)
    "$@" || die "$what failed"
    log "$what ($(elapsed "$t"))"
}

# ---------------------------------------------------------------------------------------------
# cleanup

STARTED_FILE="$(mktemp "${TMPDIR:-/tmp}/crm-run-services.XXXXXX")"
declare -a PIDS=()
declare -A NAMES=()
CLEANED=0

# Stop what this run started: the background process groups first (they use the services), then
# the services. Safe to call more than once.
# shellcheck disable=SC2329  # invoked by the traps
cleanup() {
    ((CLEANED)) && return
    CLEANED=1
    # A second Ctrl-C must not cut the cleanup short and leave services behind, and neither may
    # SIGPIPE when the terminal's Ctrl-C also killed a pipe reader (`make run | tee log`).
    # The ignored SIGPIPE is inherited by services.sh, whose log() then tolerates EPIPE.
    trap '' INT TERM PIPE
    set +e
    local pid
    if ((${#PIDS[@]})); then
        log "stopping the server, the Celery worker and beat..."
        for pid in "${PIDS[@]}"; do
            # Each runs in its own session, so its pid is its process group id: the group
            # includes the Celery worker's pool processes and uvicorn's reloader children.
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        done
        # Celery's warm shutdown finishes the tasks at hand; give everything 15 s, then force.
        local deadline=$((SECONDS + 15))
        for pid in "${PIDS[@]}"; do
            while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
            if kill -0 "$pid" 2>/dev/null; then
                log "${NAMES[$pid]} did not stop in time: killing it"
                kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            fi
            wait "$pid" 2>/dev/null || true
        done
    fi
    local -a started=()
    if [[ -s "$STARTED_FILE" ]]; then
        mapfile -t started < <(sort -u "$STARTED_FILE")
    fi
    if ((${#started[@]})); then
        bash "$ROOT/scripts/services.sh" down "${started[@]}" || true
    fi
    rm -f "$STARTED_FILE"
}

# shellcheck disable=SC2329  # invoked by the traps
on_signal() {
    trap '' PIPE
    echo >&2 2>/dev/null
    cleanup
    # The conventional status of death by that signal: make reports it as interrupted.
    exit $((128 + $1))
}

trap cleanup EXIT
trap 'on_signal 2' INT
trap 'on_signal 15' TERM

# ---------------------------------------------------------------------------------------------
# background processes

# start_bg NAME LOGFILE|- CMD...: start CMD in its own session (so a terminal's Ctrl-C reaches only
# this script, which then stops it in order) and remember its pid. LOGFILE "-" keeps the terminal.
start_bg() {
    local name="$1" logfile="$2"
    shift 2
    # A background child of a non-interactive shell is not a process group leader, so setsid
    # execs in place: $! is the program's pid and its process group id.
    if [[ "$logfile" == - ]]; then
        setsid "$@" </dev/null &
    else
        setsid "$@" </dev/null >>"$logfile" 2>&1 &
    fi
    PIDS+=("$!")
    NAMES[$!]="$name"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

# Wait until the ASGI server accepts connections (or dies), so the URLs are printed when they work.
wait_for_server() {
    local pid="$1" deadline=$((SECONDS + 60))
    while ((SECONDS < deadline)); do
        kill -0 "$pid" 2>/dev/null || return 1
        port_open && return 0
        sleep 0.2
    done
    return 1
}

banner() {
    cat <<EOF

  The CRM is running. Demo tenant "$DEMO_TENANT":
    REST API     http://127.0.0.1:$PORT/v1/...  with header  X-Tenant-ID: $DEMO_TENANT
    Web          http://$DEMO_TENANT.localhost:$PORT/
    API docs     http://$DEMO_TENANT.localhost:$PORT/v1/docs
    GraphQL      http://$DEMO_TENANT.localhost:$PORT/graphql
    WebSocket    ws://127.0.0.1:$PORT/ws
    Admin        http://$DEMO_TENANT.localhost:$PORT/admin/
    Demo login   $DEMO_EMAIL  /  $DEMO_PASSWORD
    Operators    http://localhost:$PORT/admin/   $OPERATOR_EMAIL  /  $DEMO_PASSWORD
    Logs         server below; Celery in ${LOG_DIR#"$ROOT"/}/celery-worker.log, celery-beat.log

  Ctrl-C stops everything this command started.

EOF
}

# ---------------------------------------------------------------------------------------------

main() {
    [[ "$PORT" =~ ^[0-9]+$ ]] || die "PORT must be a number, not '$PORT'"
    # Fail before any setup when the port is taken (an earlier `make run` still going?), rather
    # than mistaking the other server for ours.
    if port_open; then
        die "127.0.0.1:$PORT is already in use; stop what listens there or set PORT"
    fi
    step "virtualenv" bash "$ROOT/scripts/bootstrap.sh"
    CRM_SERVICES_STARTED_FILE="$STARTED_FILE" step "services" bash "$ROOT/scripts/services.sh" up
    step "setup_platform" "$VENV_BIN/python" manage.py setup_platform
    step "demo tenant" "$VENV_BIN/python" manage.py provision_tenant "$DEMO_TENANT" \
        --name "Demo Inc" --admin-email "$DEMO_EMAIL" --admin-password "$DEMO_PASSWORD" --demo-data
    step "operator" "$VENV_BIN/python" manage.py create_operator \
        --email "$OPERATOR_EMAIL" --password "$DEMO_PASSWORD"

    mkdir -p "$LOG_DIR"
    start_bg "celery worker" "$LOG_DIR/celery-worker.log" \
        "$VENV_BIN/celery" -A crm worker -l info --concurrency 2
    start_bg "celery beat" "$LOG_DIR/celery-beat.log" \
        "$VENV_BIN/celery" -A crm beat -l info --schedule "$VAR_DIR/celerybeat-schedule"
    start_bg "server" - \
        "$VENV_BIN/uvicorn" crm.asgi:application --host 127.0.0.1 --port "$PORT" \
        --ws websockets-sansio --proxy-headers
    local server_pid="${PIDS[-1]}"

    if ! wait_for_server "$server_pid"; then
        die "the server did not come up on 127.0.0.1:$PORT (port in use? see its output above)"
    fi
    banner

    # Run until Ctrl-C, or until one of the three exits on its own (then stop the others too).
    local rc=0 pid
    wait -n "${PIDS[@]}" || rc=$?
    for pid in "${PIDS[@]}"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "${NAMES[$pid]} exited (status $rc); stopping the rest"
        fi
    done
    ((rc != 0)) || rc=1
    exit "$rc"
}

main "$@"
