#!/usr/bin/env bash
# Starts an S3-compatible server for manual use (moto's server mode from .venv) in the
# background on a fixed loopback port, creates a bucket, and prints the variables that point
# corpusflow at it. Reuses a moto server that already responds on the port and logs that it does.
# moto keeps objects in memory only: they are gone once the server stops.
#
#   bash infra/s3-dev.sh          start or reuse, then print the exports
#   eval "$(bash infra/s3-dev.sh)" start and export into the current shell
#   bash infra/s3-dev.sh stop     stop the server this script started
#
#   S3_DEV_PORT (9000), S3_DEV_BUCKET (corpusflow), CORPUSFLOW_STATE_DIR (.corpusflow) override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${S3_DEV_PORT:-9000}"
bucket="${S3_DEV_BUCKET:-corpusflow}"
state_dir="${CORPUSFLOW_STATE_DIR:-$PWD/.corpusflow}/s3"
moto="$PWD/.venv/bin/moto_server"
endpoint="http://127.0.0.1:$port"

log() { printf '[s3-dev] %s\n' "$*" >&2; }

# Only moto serves /moto-api/, so a 200 there distinguishes it from another S3 server.
is_moto() { curl -fsS -o /dev/null --max-time 2 "$endpoint/moto-api/" 2>/dev/null; }
port_in_use() { curl -sS -o /dev/null --max-time 2 "$endpoint/" 2>/dev/null; }

if [ "${1:-start}" = "stop" ]; then
  if [ -f "$state_dir/server.pid" ] && kill -0 "$(cat "$state_dir/server.pid")" 2>/dev/null; then
    kill "$(cat "$state_dir/server.pid")"
    rm -f "$state_dir/server.pid"
    log "stopped the S3 server on $endpoint"
  else
    log "no S3 server started by this script is running"
  fi
  exit 0
fi

if [ "${1:-start}" != "start" ]; then
  log "unknown command '$1': use 'start' (the default) or 'stop'"
  exit 2
fi

if [ ! -x "$moto" ]; then
  log "moto_server not found at $moto: run 'bash infra/install.sh' first"
  exit 1
fi

if is_moto; then
  log "reusing the S3 server (moto) already running on $endpoint"
elif port_in_use; then
  log "another server that is not moto already uses port $port: stop it, or choose a port with S3_DEV_PORT"
  exit 1
else
  mkdir -p "$state_dir"
  log "starting an S3 server (moto) on $endpoint, log in $state_dir/server.log"
  nohup "$moto" -H 127.0.0.1 -p "$port" >"$state_dir/server.log" 2>&1 &
  echo $! > "$state_dir/server.pid"
  for _ in $(seq 1 60); do
    is_moto && break
    if ! kill -0 "$(cat "$state_dir/server.pid")" 2>/dev/null; then
      log "the S3 server exited during startup; its log follows"
      tail -n 30 "$state_dir/server.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  if ! is_moto; then
    log "the S3 server did not respond within 30 s; see $state_dir/server.log"
    exit 1
  fi
fi

# moto accepts unsigned requests unless its IAM checks are switched on, so plain curl can
# create the bucket. A HEAD first keeps a rerun from failing on an existing bucket.
if curl -fsS -o /dev/null -I "$endpoint/$bucket" 2>/dev/null; then
  log "bucket '$bucket' already exists"
else
  curl -fsS -o /dev/null -X PUT "$endpoint/$bucket"
  log "created bucket '$bucket'; write to s3://$bucket/..."
fi

cat <<EOF
export AWS_ENDPOINT_URL_S3=$endpoint
export AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_S3_FORCE_PATH_STYLE=true
EOF
