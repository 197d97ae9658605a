#!/usr/bin/env bash
# The CORS relay (relay/nginx.conf.template) with a real nginx, in front of the local IoT Wireless
# endpoint: requests signed by botocore for https://api.iotwireless.us-east-1.amazonaws.com are sent
# to the relay, which must forward them with that Host so the endpoint's SigV4 check passes.
# The checks (tests/relay/relay_test.py) run twice: relay URL = an origin (RELAY_PATH "") in front of
# an endpoint without CORS (like AWS), and relay URL with a path (RELAY_PATH /iotwireless) in front of
# an endpoint that sends CORS headers of its own, for any origin (`--cors-origin '*'`; the relay must
# replace them, not duplicate them, and drop them for an origin it does not allow).
#
# Run: tests/relay/run.sh        (needs nginx: apt-get install -y nginx; and target/debug/fuota-local)
# Only 127.0.0.1 is used: the endpoint, the relay and the test all live on loopback.
# Prints "N passed, 0 failed" last and exits 0, or exits non-zero.
#
# Serve mode, for a browser test (tests/e2e/relay.test.mjs):
#   tests/relay/run.sh --serve READY_JSON --origin ORIGIN
# starts the local endpoint WITHOUT CORS (like AWS; no clock skew) and nginx from the template in front
# of it (AWS_HOST api.iotwireless.us-east-1.amazonaws.com, RELAY_PATH "", ALLOWED_ORIGIN = ORIGIN, the
# origin serving the console page, e.g. http://127.0.0.1:8080), then writes READY_JSON (atomically):
#   {"relay": "http://127.0.0.1:PORT", "endpoint": "http://127.0.0.1:PORT2", "aws_host": ...,
#    "origin": ORIGIN, "dir": the directory holding everything nginx and the endpoint write,
#    "relay_access_log": ..., "relay_error_log": ..., "endpoint_log": one line per request,
#    "endpoint_banner": the endpoint's stdout, which lists its own (public) demo credentials}
# and stays in the foreground until it gets SIGTERM or SIGINT, or the process that started it exits,
# or nginx or the endpoint dies. Then it stops both, deletes their directory and READY_JSON.
# SIGTERM is the normal way to stop it: exit status 0.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

usage() {
    echo "usage: $0                                    # the relay checks" >&2
    echo "       $0 --serve READY_JSON --origin ORIGIN  # serve the relay for a browser test" >&2
    exit 2
}
SERVE_READY=""
SERVE_ORIGIN=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --serve) [[ $# -ge 2 && -n $2 ]] || usage; SERVE_READY=$2; shift 2 ;;
        --origin) [[ $# -ge 2 && -n $2 ]] || usage; SERVE_ORIGIN=$2; shift 2 ;;
        *) usage ;;
    esac
done
if [[ -n $SERVE_READY || -n $SERVE_ORIGIN ]]; then
    [[ -n $SERVE_READY && -n $SERVE_ORIGIN ]] || usage
    # An origin is scheme://host[:port], nothing more: the relay's `map` compares it byte for byte.
    [[ $SERVE_ORIGIN =~ ^https?://[A-Za-z0-9.-]+(:[0-9]+)?$ ]] || {
        echo "--origin must be scheme://host[:port] without a path or a trailing slash: $SERVE_ORIGIN" >&2
        exit 2
    }
    rm -f "$SERVE_READY"
fi
# The cargo target dir the rest of the test command uses (scripts/setup.sh), when one is set.
ENDPOINT_BIN=${FUOTA_LOCAL:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/fuota-local}
TEMPLATE=${RELAY_TEMPLATE:-$ROOT/relay/nginx.conf.template}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
AWS_REGION=us-east-1
AWS_HOST=api.iotwireless.$AWS_REGION.amazonaws.com
ALLOWED_ORIGIN=http://127.0.0.1:8080
# The endpoint's clock runs this far ahead, so the test can tell the service's Date from nginx's.
SKEW_SECONDS=7200
if [[ -n $SERVE_READY ]]; then
    ALLOWED_ORIGIN=$SERVE_ORIGIN
    SKEW_SECONDS=0
fi
VARS='${AWS_HOST} ${UPSTREAM} ${ALLOWED_ORIGIN} ${RELAY_LISTEN} ${RELAY_PATH} ${RESOLVER} ${CA_BUNDLE}'

[[ -x $NGINX ]] || { echo "nginx not found: apt-get install -y nginx" >&2; exit 2; }
[[ -x $ENDPOINT_BIN ]] || { echo "$ENDPOINT_BIN not found: cargo build -p fuota-local" >&2; exit 2; }
command -v envsubst >/dev/null || { echo "envsubst not found: apt-get install -y gettext-base" >&2; exit 2; }

WORK=$(mktemp -d /tmp/fuota-relay-test.XXXXXX)
# nginx's workers drop to `nobody` when the master runs as root: let them reach the prefix.
chmod 755 "$WORK"
ENDPOINT_PIDS=""
NGINX_PID=""
SLEEP_PID=""

stop_nginx() {
    if [[ -n $NGINX_PID ]]; then
        kill "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
        NGINX_PID=""
    fi
}

cleanup() {
    local rc=$?
    [[ -n $SERVE_READY ]] && rm -f "$SERVE_READY" "$SERVE_READY.tmp"
    [[ -n $SLEEP_PID ]] && { kill "$SLEEP_PID" 2>/dev/null || true; }
    stop_nginx
    for pid in $ENDPOINT_PIDS; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ $rc -ne 0 ]]; then
        echo "--- relay test failed (exit $rc); logs:" >&2
        for f in "$WORK"/endpoint-*.log "$WORK"/*/nginx.log "$WORK"/*/logs/access.log; do
            [[ -f $f ]] && { echo "--- $f" >&2; tail -n 40 "$f" >&2; }
        done
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Local endpoints, their clocks SKEW_SECONDS ahead: one without CORS, like AWS; one with CORS of
#    its own, which the relay must replace, not duplicate. Sets UPSTREAM; appends to ENDPOINT_PIDS.
start_endpoint() {
    local name=$1; shift
    local args=(--api 127.0.0.1:0 --clock-skew-seconds "$SKEW_SECONDS" --region "$AWS_REGION"
        --ready-file "$WORK/$name.json" "$@")
    if [[ -n $SERVE_READY ]]; then
        # Serve mode keeps the endpoint's banner (stdout: it prints its own demo credentials) apart
        # from its request log (stderr: "METHOD URL -> STATUS"), which a test scans for secrets.
        "$ENDPOINT_BIN" "${args[@]}" >"$WORK/$name.stdout" 2>"$WORK/$name.log" &
    else
        "$ENDPOINT_BIN" "${args[@]}" >"$WORK/$name.log" 2>&1 &
    fi
    local pid=$!
    ENDPOINT_PIDS="$ENDPOINT_PIDS $pid"
    for _ in $(seq 100); do
        [[ -s $WORK/$name.json ]] && break
        kill -0 "$pid" 2>/dev/null || { echo "the local endpoint exited" >&2; return 1; }
        sleep 0.1
    done
    [[ -s $WORK/$name.json ]] || { echo "the local endpoint did not get ready" >&2; return 1; }
    UPSTREAM=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api"])' "$WORK/$name.json")
    [[ $UPSTREAM =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || { echo "unexpected endpoint address $UPSTREAM" >&2; return 1; }
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# 2. nginx from the template in its own prefix dir, on a free loopback port (retried if another
#    process takes the port first). Sets PORT and NGINX_PID.
start_nginx() {
    local prefix=$1 relay_path=$2 attempt up
    mkdir -p "$prefix/logs"
    for attempt in 1 2 3; do
        PORT=$(free_port)
        AWS_HOST=$AWS_HOST UPSTREAM=$UPSTREAM ALLOWED_ORIGIN=$ALLOWED_ORIGIN RELAY_LISTEN=127.0.0.1:$PORT \
            RELAY_PATH=$relay_path RESOLVER=127.0.0.1 CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
            envsubst "$VARS" <"$TEMPLATE" >"$prefix/nginx.conf"
        if grep -n '\${[A-Z_]*}' "$prefix/nginx.conf" >&2; then
            echo "template variables left unsubstituted" >&2
            return 1
        fi
        "$NGINX" -t -q -p "$prefix/" -c "$prefix/nginx.conf" -e stderr
        "$NGINX" -p "$prefix/" -c "$prefix/nginx.conf" -e stderr -g 'daemon off;' >"$prefix/nginx.log" 2>&1 &
        NGINX_PID=$!
        up=""
        for _ in $(seq 50); do
            kill -0 "$NGINX_PID" 2>/dev/null || break
            if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' \
                "$PORT" 2>/dev/null; then
                up=yes
                break
            fi
            sleep 0.1
        done
        [[ -n $up ]] && return 0
        stop_nginx
        echo "nginx did not start on port $PORT (attempt $attempt):" >&2
        cat "$prefix/nginx.log" >&2
    done
    return 1
}

# Serve mode: one relay at the root in front of the CORS-less endpoint, until stopped.
if [[ -n $SERVE_READY ]]; then
    trap 'exit 0' TERM   # how a caller stops it: clean up, exit 0
    start_endpoint endpoint-serve --no-cors
    start_nginx "$WORK/relay" ""
    python3 - "$SERVE_READY" "http://127.0.0.1:$PORT" "$UPSTREAM" "$AWS_HOST" "$ALLOWED_ORIGIN" "$WORK" <<'PY'
import json, os, sys
path, relay, endpoint, aws_host, origin, work = sys.argv[1:]
ready = {
    "relay": relay, "endpoint": endpoint, "aws_host": aws_host, "origin": origin, "dir": work,
    "relay_access_log": f"{work}/relay/logs/access.log",
    "relay_error_log": f"{work}/relay/nginx.log",
    "endpoint_log": f"{work}/endpoint-serve.log",
    "endpoint_banner": f"{work}/endpoint-serve.stdout",
}
with open(path + ".tmp", "w") as f:
    json.dump(ready, f)
os.replace(path + ".tmp", path)
PY
    echo "== serving: relay http://127.0.0.1:$PORT -> $UPSTREAM --no-cors (Host: $AWS_HOST, origin $ALLOWED_ORIGIN); ready: $SERVE_READY"
    # A caller that is gone cannot read our messages: never die of SIGPIPE before cleaning up.
    trap '' PIPE
    # Our parent now (field 4 of /proc/PID/stat, after the parenthesised command name). When the
    # starter ($PPID, fixed when this shell started) exits, we are re-parented (to init or a
    # subreaper); its pid may live on as a zombie or be reused, so compare rather than probe it.
    parent_pid() { local stat ppid; stat=$(</proc/$$/stat); stat=${stat##*) }; read -r _ ppid _ <<<"$stat"; echo "$ppid"; }
    starter=$PPID
    # Poll with an interruptible wait (a signal ends `wait` at once, not after a foreground sleep).
    while kill -0 "$NGINX_PID" 2>/dev/null && kill -0 $ENDPOINT_PIDS 2>/dev/null; do
        [[ $(parent_pid) == "$starter" ]] || exit 0   # the starter is gone: stop quietly
        sleep 1 &
        SLEEP_PID=$!
        wait "$SLEEP_PID" || true
        SLEEP_PID=""
    done
    echo "nginx or the local endpoint exited while serving" >&2
    exit 1
fi

# 3. The checks: relay at the root in front of the CORS-less endpoint, and relay under a path in
#    front of the endpoint that has CORS of its own.
total_passed=0
total_failed=0
for layout in "root::--no-cors" "prefixed:/iotwireless:--cors-origin *"; do
    IFS=: read -r name relay_path endpoint_flags <<<"$layout"
    # shellcheck disable=SC2086 # the flags are words (and `*` is not a glob: set -f)
    set -f
    start_endpoint "endpoint-$name" $endpoint_flags
    set +f
    prefix=$WORK/$name
    start_nginx "$prefix" "$relay_path"
    echo "== relay URL http://127.0.0.1:$PORT$relay_path -> $UPSTREAM ${endpoint_flags:-(with CORS)} (Host: $AWS_HOST)"
    set +e
    RELAY_URL=http://127.0.0.1:$PORT$relay_path AWS_HOST=$AWS_HOST AWS_REGION=$AWS_REGION \
        ALLOWED_ORIGIN=$ALLOWED_ORIGIN SKEW_SECONDS=$SKEW_SECONDS ACCESS_LOG=$prefix/logs/access.log RELAY_CONF=$prefix/nginx.conf \
        python3 "$ROOT/tests/relay/relay_test.py" | tee "$prefix/result.txt"
    status=${PIPESTATUS[0]}
    set -e
    summary=$(tail -n 1 "$prefix/result.txt")
    if [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        total_passed=$((total_passed + BASH_REMATCH[1]))
        total_failed=$((total_failed + BASH_REMATCH[2]))
    else
        total_failed=$((total_failed + 1))
    fi
    [[ $status -eq 0 ]] || total_failed=$((total_failed > 0 ? total_failed : 1))
    stop_nginx
done

echo "$total_passed passed, $total_failed failed"
[[ $total_failed -eq 0 ]]
