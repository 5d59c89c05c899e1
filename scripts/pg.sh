#!/usr/bin/env bash
# A throwaway PostgreSQL for tests: a fresh data directory under /tmp, trust auth, fsync off,
# listening on 127.0.0.1 only, removed again when the caller exits.
#
#   bash scripts/pg.sh                 start one, print REMIT_TEST_PG, stop it on Ctrl-C
#   bash scripts/pg.sh CMD [ARGS...]   run CMD with REMIT_TEST_PG (and PGHOST/PGPORT/PGUSER) set, then stop it
#   source scripts/pg.sh; pg_start     what scripts/test.sh does (pg_stop runs from its EXIT trap)
#
# initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` user that
# Debian's postgresql package creates.

PG_FIRST_PORT="${PG_FIRST_PORT:-55432}"
PG_PORT_TRIES="${PG_PORT_TRIES:-50}"
PG_DIR=""
PG_PORT=""

_pg_as_owner() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_pg_port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_bin_dir() {
    local dir
    # shellcheck disable=SC2012 # fixed Debian paths; sort -V puts the newest major last
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    if [[ -z "$dir" || ! -x "$dir/initdb" || ! -x "$dir/pg_ctl" ]]; then
        echo "pg.sh: no PostgreSQL server found under /usr/lib/postgresql/*/bin (apt-get install postgresql)" >&2
        return 1
    fi
    echo "$dir"
}

# Starts the server and exports REMIT_TEST_PG. Returns non-zero (with the server log on stderr)
# if it cannot start; the caller must fail then, never skip.
pg_start() {
    local bin
    bin="$(pg_bin_dir)" || return 1
    if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        echo "pg.sh: running as root but there is no 'postgres' user to run initdb as" >&2
        return 1
    fi

    PG_DIR="$(mktemp -d /tmp/remit-pg.XXXXXX)" || return 1
    mkdir -p "$PG_DIR/data" "$PG_DIR/sock" || return 1
    if [[ $EUID -eq 0 ]]; then chown -R postgres: "$PG_DIR" || return 1; fi
    chmod 700 "$PG_DIR/data" || return 1

    if ! _pg_as_owner "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1; then
        echo "pg.sh: initdb failed:" >&2
        cat "$PG_DIR/initdb.log" >&2
        return 1
    fi

    local port=$PG_FIRST_PORT last=$((PG_FIRST_PORT + PG_PORT_TRIES - 1))
    for ((; port <= last; port++)); do
        _pg_port_in_use "$port" && continue
        if _pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
                -o "-p $port -c listen_addresses=127.0.0.1 -k $PG_DIR/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
                start >"$PG_DIR/pg_ctl.log" 2>&1; then
            PG_PORT=$port
            break
        fi
        # Another process may have taken the port between the check and the start: try the next.
        if grep -q 'could not bind\|Address already in use' "$PG_DIR/server.log" 2>/dev/null; then
            : >"$PG_DIR/server.log"
            continue
        fi
        echo "pg.sh: PostgreSQL did not start on port $port:" >&2
        cat "$PG_DIR/pg_ctl.log" "$PG_DIR/server.log" >&2 2>/dev/null || true
        return 1
    done
    if [[ -z "$PG_PORT" ]]; then
        echo "pg.sh: no free port in $PG_FIRST_PORT..$last for PostgreSQL" >&2
        return 1
    fi

    local psql=("$bin/psql" -X -q -t -A -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres)
    if [[ "$("${psql[@]}" -c 'select 1' 2>&1)" != "1" ]]; then
        echo "pg.sh: PostgreSQL started but 'select 1' over TCP failed:" >&2
        "${psql[@]}" -c 'select 1' >&2 || true
        return 1
    fi
    if [[ "$("${psql[@]}" -c "select count(*) from pg_available_extensions where name = 'pg_trgm'")" != "1" ]]; then
        echo "pg.sh: the pg_trgm extension is missing (Debian's postgresql-contrib / postgresql-NN package)" >&2
        return 1
    fi

    export REMIT_TEST_PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
    echo "pg.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (data $PG_DIR/data)"
}

# Safe to call more than once and when pg_start failed half-way.
pg_stop() {
    [[ -n "$PG_DIR" && -d "$PG_DIR" ]] || return 0
    local bin pid
    if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
        bin="$(pg_bin_dir 2>/dev/null)" || bin=""
        if [[ -z "$bin" ]] || ! _pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1; then
            pid="$(head -1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || true)"
            if [[ "$pid" =~ ^[0-9]+$ ]]; then kill -KILL "$pid" 2>/dev/null || true; fi
        fi
    fi
    rm -rf "$PG_DIR"
    PG_DIR=""
    PG_PORT=""
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    trap pg_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    pg_start
    export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=postgres
    if [[ $# -gt 0 ]]; then
        "$@"
    else
        echo "REMIT_TEST_PG=\"$REMIT_TEST_PG\""
        echo "psql: $(pg_bin_dir)/psql -h 127.0.0.1 -p $PG_PORT -U postgres"
        echo "pg.sh: Ctrl-C stops the server and deletes its data."
        # A foreground sleep would hold off the traps until it ends; wait returns on a signal.
        sleep infinity &
        sleeper=$!
        trap 'kill "$sleeper" 2>/dev/null; pg_stop' EXIT
        wait "$sleeper"
    fi
fi
