#!/usr/bin/env bash
# A throwaway Redis for tests (Debian's redis-server): no persistence, listening on 127.0.0.1 only,
# on the first free port from REDIS_FIRST_PORT, stopped when the caller exits.
#
#   bash scripts/redis.sh CMD [ARGS...]   run CMD with REMIT_TEST_REDIS set, then stop it
#   source scripts/redis.sh; redis_start  what scripts/test.sh does (redis_stop runs from its EXIT trap)

REDIS_FIRST_PORT="${REDIS_FIRST_PORT:-56379}"
REDIS_PORT_TRIES="${REDIS_PORT_TRIES:-50}"
REDIS_PID=""
REDIS_DIR=""

_redis_port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts the server and exports REMIT_TEST_REDIS (a StackExchange.Redis configuration string). Returns non-zero
# (with the server log on stderr) if it cannot start; the caller must fail then, never skip.
redis_start() {
    command -v redis-server >/dev/null || { echo "redis.sh: redis-server is missing (apt-get install redis-server)" >&2; return 1; }
    REDIS_DIR="$(mktemp -d /tmp/remit-redis.XXXXXX)" || return 1
    local port=$REDIS_FIRST_PORT last=$((REDIS_FIRST_PORT + REDIS_PORT_TRIES - 1)) i
    for ((; port <= last; port++)); do
        _redis_port_in_use "$port" && continue
        redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$REDIS_DIR" \
            >"$REDIS_DIR/server.log" 2>&1 &
        REDIS_PID=$!
        for ((i = 0; i < 100; i++)); do
            if _redis_port_in_use "$port"; then
                export REMIT_TEST_REDIS="127.0.0.1:$port"
                echo "redis.sh: Redis $(redis-server --version | awk '{print $3}') on $REMIT_TEST_REDIS"
                return 0
            fi
            kill -0 "$REDIS_PID" 2>/dev/null || break
            sleep 0.05
        done
        # Another process may have taken the port between the check and the start: try the next.
        kill "$REDIS_PID" 2>/dev/null || true
        wait "$REDIS_PID" 2>/dev/null || true
        REDIS_PID=""
        grep -q 'Address already in use' "$REDIS_DIR/server.log" && continue
        echo "redis.sh: Redis did not start on port $port:" >&2
        cat "$REDIS_DIR/server.log" >&2
        return 1
    done
    echo "redis.sh: no free port in $REDIS_FIRST_PORT..$last for Redis" >&2
    return 1
}

# Safe to call more than once and when redis_start failed half-way.
redis_stop() {
    if [[ -n "$REDIS_PID" ]]; then
        kill "$REDIS_PID" 2>/dev/null || true
        wait "$REDIS_PID" 2>/dev/null || true
        REDIS_PID=""
    fi
    if [[ -n "$REDIS_DIR" ]]; then rm -rf "$REDIS_DIR"; REDIS_DIR=""; fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    trap redis_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    redis_start
    "$@"
fi
