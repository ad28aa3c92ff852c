#!/usr/bin/env bash
# Serve the assistant: the action server and the Rasa server together.
# `scripts/run.sh` serves REST on RASA_PORT; `scripts/run.sh shell` opens `rasa shell` instead.
# Ctrl-C stops both; if either server dies, the other is stopped too.
# The Makefile sets up the venv, database and model before calling this.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export RASA_PORT=${RASA_PORT:-5005} ACTIONS_PORT=${ACTIONS_PORT:-5055}
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
interface=${RASA_HOST:-127.0.0.1}
py=.venv/bin/python
model=$($py -m bot.model path)
mkdir -p var/log
# RASA_ENDPOINTS=endpoints.production.yml: PostgreSQL tracker store and Redis lock store (README)
endpoints=${RASA_ENDPOINTS:-endpoints.yml}
# SANIC_WORKERS=2 (production endpoints only: Rasa needs the Redis lock store for it): one Rasa
# process per core; each then gets one TensorFlow thread unless told otherwise (README).
if [ "${SANIC_WORKERS:-1}" -gt 1 ]; then
  export TF_INTRA_OP_PARALLELISM_THREADS=${TF_INTRA_OP_PARALLELISM_THREADS:-1}
  export TF_INTER_OP_PARALLELISM_THREADS=${TF_INTER_OP_PARALLELISM_THREADS:-1}
fi

$py -m bot.action_server >var/log/actions.log 2>&1 &
actions_pid=$!
rasa_pid=""
stop() {
  trap - EXIT INT TERM
  [ -n "$rasa_pid" ] && kill "$rasa_pid" 2>/dev/null || true
  kill "$actions_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

for attempt in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$ACTIONS_PORT/health" >/dev/null && break
  if ! kill -0 "$actions_pid" 2>/dev/null || [ "$attempt" = 60 ]; then
    echo "error: the action server did not start on port $ACTIONS_PORT: see var/log/actions.log" >&2
    exit 1
  fi
  sleep 0.5
done

if [ "$mode" = shell ]; then
  .venv/bin/rasa shell --model "$model" --endpoints "$endpoints" --port "$RASA_PORT" \
    --interface "$interface"
else
  echo "Starting the assistant: chat widget at http://localhost:$RASA_PORT/chat/," \
    "REST at http://localhost:$RASA_PORT/webhooks/rest/webhook (Ctrl-C stops it)"
  # WIDGET_ORIGINS: sites (space-separated) allowed to embed the widget; none by default.
  cors=()
  if [ -n "${WIDGET_ORIGINS:-}" ]; then read -r -a origins <<<"$WIDGET_ORIGINS"; cors=(--cors "${origins[@]}"); fi
  .venv/bin/rasa run --model "$model" --endpoints "$endpoints" --credentials credentials.yml \
    --port "$RASA_PORT" --interface "$interface" "${cors[@]}" &
  rasa_pid=$!
  wait -n "$rasa_pid" "$actions_pid" || true
  echo "a server stopped; stopping the other (logs: var/log/actions.log)" >&2
fi
