# Installs what propdesk's build and tests need, each only when missing or at the wrong
# version. Sourced by scripts/start and scripts/test; safe to run again and again.
# Versions: cargo-leptos 0.3.10 (0.3.11 needs a newer rustc), wasm-bindgen-cli equal to the
# workspace's wasm-bindgen pin, wasm-opt from the npm package binaryen (Debian's is too old
# and breaks hydration), Chromium from Debian.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.10"
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' "$ROOT/Cargo.toml")"

say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }

ensure_wasm_target() {
  # grep without -q: with pipefail, -q exiting early can fail the pipe (SIGPIPE).
  if ! rustup target list --installed | grep -x wasm32-unknown-unknown >/dev/null; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_rust_components() {
  local have
  have="$(rustup component list --installed 2>/dev/null)"
  for c in clippy rustfmt; do
    if ! printf '%s\n' "$have" | grep "^$c" >/dev/null; then
      say "adding the $c component"
      rustup component add "$c"
    fi
  done
}

ensure_cargo_leptos() {
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on 2 cores, once)"
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install cargo-leptos@"$CARGO_LEPTOS_VERSION" --locked
  fi
}

ensure_wasm_bindgen() {
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 8 minutes, once)"
    # Not --locked: one of its locked dependency versions is gone from the registry.
    cargo install wasm-bindgen-cli@"$WASM_BINDGEN_VERSION"
  fi
}

ensure_npm_packages() {
  if [ ! -x "$ROOT/end2end/node_modules/.bin/wasm-opt" ] || [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ]; then
    say "installing npm packages (Playwright, binaryen's wasm-opt)"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund)
  fi
  # cargo-leptos finds wasm-opt on PATH.
  export PATH="$ROOT/end2end/node_modules/.bin:$PATH"
}

ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    say "installing Chromium from Debian"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  # Chinese text in screenshots needs a CJK font; a minimal Debian has none.
  if ! fc-list 2>/dev/null | grep -iE 'wqy|noto sans cjk' >/dev/null; then
    say "installing a CJK font for Chromium"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq fonts-wqy-zenhei >/dev/null
  fi
}

ensure_build_tools() {
  ensure_rust_components
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_cargo_leptos
  ensure_npm_packages
}
