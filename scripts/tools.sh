# Installs what building Fleetdesk needs, if it is missing; sourced by scripts/run and scripts/test.
#
# - the Rust toolchain pinned in rust-toolchain.toml, with its wasm target;
# - wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock, and wasm-opt (binaryen),
#   which scripts/site runs after cargo to make the console's browser side.
#
# cargo-leptos is not needed to build or run Fleetdesk (scripts/site does its steps); install it
# yourself for `cargo leptos watch` while developing (README, Layout).
#
# Build output goes to CARGO_TARGET_DIR (default: target/ in the repository).

set -euo pipefail

FLEETDESK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$FLEETDESK_ROOT"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$FLEETDESK_ROOT/target}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step() { printf '\n==> %s\n' "$*" >&2; }

if ! command -v rustup >/dev/null 2>&1; then
  echo "rustup is required: install it from your distribution or the Rust project, then run this again." >&2
  exit 1
fi

step "Rust toolchain (rust-toolchain.toml)"
rustup toolchain install >/dev/null
rustc --version >&2

wasm_bindgen_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wasm_bindgen_version" ]]; then
  step "Installing wasm-bindgen-cli $wasm_bindgen_version (once; a few minutes)"
  # Not --locked: the CLI's own lock file names a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version"
fi

if ! command -v wasm-opt >/dev/null 2>&1; then
  step "Installing wasm-opt (binaryen, from npm)"
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is required to install wasm-opt (binaryen)." >&2
    exit 1
  fi
  npm install -g binaryen
fi
