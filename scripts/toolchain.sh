#!/usr/bin/env bash
# Puts Node.js 24 LTS and pnpm first on PATH. Where the machine already has them they are used
# as they are; otherwise they are installed once under .adtrace/toolchain from the npm registry,
# which ships the Node binary as the package node-linux-<arch>.
#
#   source scripts/toolchain.sh      # in your shell, before pnpm install / pnpm start / pnpm test
#   scripts/toolchain.sh CMD ARGS…   # run one command with the toolchain (the package scripts do this)
ADTRACE_NODE_VERSION=24.21.0
ADTRACE_PNPM_VERSION=12.21.0

adtrace_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
adtrace_tc="$adtrace_root/.adtrace/toolchain"

adtrace_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
adtrace_pnpm_major() { local v; v=$(pnpm --version 2>/dev/null) && echo "${v%%.*}" || echo 0; }

adtrace_ensure_toolchain() {
  if [ -x "$adtrace_tc/node_modules/.bin/node" ]; then
    PATH="$adtrace_tc/node_modules/.bin:$PATH"
  fi
  local need=()
  [ "$(adtrace_node_major)" -ge 24 ] || need+=("node-linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')@$ADTRACE_NODE_VERSION")
  # The lockfile needs pnpm ≥ 10; an older one on the machine is shadowed by ours.
  [ "$(adtrace_pnpm_major)" -ge 10 ] || need+=("pnpm@$ADTRACE_PNPM_VERSION")
  if [ ${#need[@]} -gt 0 ]; then
    echo "toolchain: installing ${need[*]} into .adtrace/toolchain" >&2
    mkdir -p "$adtrace_tc"
    [ -f "$adtrace_tc/package.json" ] || echo '{"private":true}' >"$adtrace_tc/package.json"
    npm install --prefix "$adtrace_tc" --no-audit --no-fund --loglevel=error "${need[@]}" >&2 || return 1
    PATH="$adtrace_tc/node_modules/.bin:$PATH"
  fi
  export PATH
  # Node's module compile cache: a process after the first takes its modules compiled (and our
  # .ts type-stripped) from disk. Each service, CLI command and test child starts faster (a
  # service's imports: ~0.45 s of wall time against ~0.65 s). Safe to delete; keyed by content.
  export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-$adtrace_root/.adtrace/node-compile-cache}"
  # kafkajs 2.2.4 arms a timer with a negative delay, which Node ≥ 23 reports on every client
  # (kafkajs issue #1751); the timer still fires at once, as kafkajs intends.
  case " ${NODE_OPTIONS:-} " in
    *TimeoutNegativeWarning*) ;;
    *) export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--disable-warning=TimeoutNegativeWarning" ;;
  esac
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  adtrace_ensure_toolchain   # sourced: leave PATH set in the caller's shell
else
  set -e
  adtrace_ensure_toolchain
  [ $# -eq 0 ] || exec "$@"
fi
