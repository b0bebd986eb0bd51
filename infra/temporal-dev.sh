#!/usr/bin/env bash
# Starts the Temporal dev server (the pinned `temporal` CLI from .venv) in the background, with
# its state in a SQLite file so workflows survive a restart, and the Web UI on its default
# port. Reuses a server that already answers on the address and says so.
#   TEMPORAL_PORT (7233), TEMPORAL_UI_PORT (8233), CORPUSFLOW_STATE_DIR (.corpusflow) override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${TEMPORAL_PORT:-7233}"
ui_port="${TEMPORAL_UI_PORT:-8233}"
state_dir="${CORPUSFLOW_STATE_DIR:-$PWD/.corpusflow}/temporal"
temporal="$PWD/.venv/bin/temporal"

log() { printf '[temporal-dev] %s\n' "$*" >&2; }

if [ ! -x "$temporal" ]; then
  log "temporal CLI not found at $temporal: run 'bash infra/install.sh' first"
  exit 1
fi

healthy() { "$temporal" operator cluster health --address "127.0.0.1:$port" >/dev/null 2>&1; }

if healthy; then
  log "reusing the Temporal server already running on 127.0.0.1:$port (UI: http://localhost:$ui_port)"
  exit 0
fi

mkdir -p "$state_dir"
log "starting Temporal dev server on 127.0.0.1:$port, state in $state_dir/temporal.db"
# Search attributes let runs be filtered by stage, dataset and config hash in the UI.
nohup "$temporal" server start-dev \
  --ip 127.0.0.1 --port "$port" --ui-port "$ui_port" \
  --db-filename "$state_dir/temporal.db" \
  --log-level warn \
  --search-attribute CorpusflowStage=Keyword \
  --search-attribute CorpusflowDataset=Keyword \
  --search-attribute CorpusflowConfigHash=Keyword \
  >"$state_dir/server.log" 2>&1 &
echo $! > "$state_dir/server.pid"

for _ in $(seq 1 120); do
  if healthy; then
    log "Temporal server ready on 127.0.0.1:$port; Web UI: http://localhost:$ui_port"
    exit 0
  fi
  if ! kill -0 "$(cat "$state_dir/server.pid")" 2>/dev/null; then
    log "the Temporal server exited during startup; its log follows"
    tail -n 30 "$state_dir/server.log" >&2
    exit 1
  fi
  sleep 0.5
done
log "the Temporal server did not become healthy within 60 s; see $state_dir/server.log"
exit 1
