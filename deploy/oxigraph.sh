#!/usr/bin/env bash
# cisem-graph in front of Oxigraph server, on one machine: build and validate, start the store,
# push the version into it all or nothing, then serve. Stops the store when the server stops.
#
#   deploy/oxigraph.sh [STORE_FOLDER]          (default: ./oxigraph-data)
#
# Environment: STORE_PORT (7878), CISEM_PORT/CISEM_HOST (5000, 127.0.0.1) and every CISEM_*
# setting (see the README); CISEM_BIN, the folder of the cisem-graph and oxigraph commands
# (default .venv/bin, as `make run` installs them). Oxigraph locks its folder: one store
# process per folder, never two servers on one live data folder (copy it with `oxigraph backup`).
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${CISEM_BIN:-.venv/bin}"
folder="${1:-oxigraph-data}"
store_port="${STORE_PORT:-7878}"
store="http://127.0.0.1:${store_port}"

for command in python cisem-graph oxigraph; do
    if [ ! -x "$bin/$command" ]; then
        echo "deploy: $bin/$command not found: run 'make run' once, or pip install '.[test]'" >&2
        exit 2
    fi
done

"$bin/cisem-graph" build

"$bin/oxigraph" serve --location "$folder" --bind "127.0.0.1:${store_port}" &
store_pid=$!
stop_store() { kill "$store_pid" 2>/dev/null || true; wait "$store_pid" 2>/dev/null || true; }
trap stop_store EXIT
trap 'exit 143' TERM INT

for _ in $(seq 1 100); do  # up to 20 s for the store to answer
    if "$bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
        "${store}/query?query=ASK%7B%7D" 2>/dev/null; then break; fi
    if ! kill -0 "$store_pid" 2>/dev/null; then
        echo "deploy: oxigraph serve exited (is $folder in use by another server?)" >&2
        exit 1
    fi
    sleep 0.2
done

"$bin/cisem-graph" push --store "$store"

export CISEM_STORE_QUERY_URL="${CISEM_STORE_QUERY_URL:-${store}/query}"
"$bin/cisem-graph" serve &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; stop_store' EXIT
wait "$server_pid"
