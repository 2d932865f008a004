#!/usr/bin/env bash
# Runs the cleeng-rs benchmarks (issue 10) and prints every figure as a ratio to its baseline.
#
# Usage: scripts/bench.sh [--quick] [--build-cost] [FILTER]
#   --quick        fewer rounds (about a minute instead of a few)
#   --build-cost   also run scripts/build-cost.sh (cold builds: tens of minutes on 2 cores)
#   FILTER         only benches whose name contains it: get, list, decode, webhook, regen
# Environment: CLEENG_BENCH_NO_COMMAND=1 skips timing the `cargo xtask regen --check` command;
# RUNS=N is passed on to build-cost.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

bench_args=()
build_cost=0
for arg in "$@"; do
  case "$arg" in
    --build-cost) build_cost=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) bench_args+=("$arg") ;;
  esac
done

echo "machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') memory, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "toolchain: $(rustc --version)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
cargo bench --bench sdk -- "${bench_args[@]}"
if [ "$build_cost" = 1 ]; then
  scripts/build-cost.sh
fi
