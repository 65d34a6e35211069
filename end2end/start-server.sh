#!/usr/bin/env bash
# Starts a throwaway Fleetdesk server for the Playwright suite (playwright.config.ts `webServer`).
#
# Needs:
#   FLEETDESK_BIN     path to the built `fleetdesk` binary
#   LEPTOS_SITE_ROOT  path to the built site directory (the one holding pkg/)
# Relative paths are taken from this directory (end2end/).
#
# Every run gets a fresh data directory (SQLite inside it), the bootstrap admin
# (admin / e2e-admin-password-1), a support operator (support1 / e2e-support-password-1) and an
# Orange API credential for seeding data through the API.
set -euo pipefail

cd "$(dirname "$0")"

die() {
  echo "start-server.sh: $*" >&2
  exit 1
}

[[ -n "${FLEETDESK_BIN:-}" ]] ||
  die "FLEETDESK_BIN is not set; point it at the built fleetdesk binary (e.g. FLEETDESK_BIN=\$PWD/../target/release/fleetdesk)"
[[ -n "${LEPTOS_SITE_ROOT:-}" ]] ||
  die "LEPTOS_SITE_ROOT is not set; point it at the built site directory (e.g. LEPTOS_SITE_ROOT=\$PWD/../target/site)"
[[ -f "$FLEETDESK_BIN" && -x "$FLEETDESK_BIN" ]] ||
  die "FLEETDESK_BIN=$FLEETDESK_BIN is not an executable file"
[[ -d "$LEPTOS_SITE_ROOT" ]] ||
  die "LEPTOS_SITE_ROOT=$LEPTOS_SITE_ROOT is not a directory"

FLEETDESK_BIN="$(realpath "$FLEETDESK_BIN")"
LEPTOS_SITE_ROOT="$(realpath "$LEPTOS_SITE_ROOT")"

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/fleetdesk-e2e.XXXXXX")"
echo "start-server.sh: data dir $data_dir" >&2

export LEPTOS_SITE_ROOT
# Keeps Leptos' own idea of the address in line with FLEETDESK_LISTEN.
port="${FLEETDESK_E2E_PORT:-3210}"
export LEPTOS_SITE_ADDR=127.0.0.1:$port
export FLEETDESK_DATA_DIR="$data_dir"
export FLEETDESK_LISTEN=127.0.0.1:$port
export FLEETDESK_PUBLIC_URL=http://127.0.0.1:$port
export FLEETDESK_BOOTSTRAP_ADMIN_LOGIN=admin
export FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD='e2e-admin-password-1'
export FLEETDESK_LOG=warn

"$FLEETDESK_BIN" migrate
printf '%s\n' 'e2e-support-password-1' |
  "$FLEETDESK_BIN" operator create --login support1 --name "Support One" --role support --password-stdin

# The offering catalogue the specs order from (one offering per realizing resource type).
"$FLEETDESK_BIN" offering import seed/offerings.csv >/dev/null

# An Orange API credential, so that specs create customers, orders and licences the way Orange
# does: through the API. Its "client:secret" goes to .state/orange-credential (read by fixtures.ts).
mkdir -p .state
# Where the database is, for the specs that set up work as a crash would leave it (fixtures.ts `sql`).
printf '%s\n' "$data_dir/fleetdesk.db" >.state/database
"$FLEETDESK_BIN" credential issue --label "Browser tests" |
  awk -F': ' '/^Client id: /{id=$2} /^Secret \(shown once\): /{secret=$2} END{print id ":" secret}' >.state/orange-credential

exec "$FLEETDESK_BIN" serve
