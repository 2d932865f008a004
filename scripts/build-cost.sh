#!/usr/bin/env bash
# Build cost of a family crate (issue 10): the cold build of `cleeng-<family>` against its
# dependency floor, an empty library crate with exactly the same dependencies (same version
# requirements, features and default-feature switches, `cleeng-runtime` by path) and the same
# Cargo.lock, created in a temp dir. Both build from an empty CARGO_TARGET_DIR under
# $BUILD_COST_DIR (default /tmp/cleeng-build-cost), never the shared target/. Prints each run,
# the medians and the ratio family / floor (target <= 1.3), plus the family crate's own compile
# time from `cargo build --timings`.
#
# Usage: scripts/build-cost.sh [--rev REV] [--release] [FAMILY...]   (default: core mediastore)
#   RUNS=3           cold builds of each side per family (median reported); floor and family
#                    alternate, so machine load drifts into both.
#   --rev REV        measure a committed revision (exported with `git archive`), not the work tree.
#   --release        the release profile instead of dev.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-3}
base=${BUILD_COST_DIR:-/tmp/cleeng-build-cost}
rev=""
profile_args=()
families=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rev) rev=$2; shift 2 ;;
    --release) profile_args=(--release); shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) families+=("$1"); shift ;;
  esac
done
[ ${#families[@]} -gt 0 ] || families=(core mediastore)
mkdir -p "$base"

src=$repo
if [ -n "$rev" ]; then
  src=$base/src-$(git -C "$repo" rev-parse --short "$rev")
  rm -rf "$src" && mkdir -p "$src"
  git -C "$repo" archive "$rev" | tar -x -C "$src"
fi

now() { date +%s.%N; }

# Writes the floor crate for $1 into $2 from `cargo metadata` of the source tree.
make_floor() {
  local family=$1 dir=$2
  rm -rf "$dir" && mkdir -p "$dir/src"
  : > "$dir/src/lib.rs"
  cp "$src/Cargo.lock" "$dir/Cargo.lock"
  (cd "$src" && cargo metadata --format-version 1 --no-deps) | python3 -c '
import json, sys
family, out = sys.argv[1], sys.argv[2]
meta = json.load(sys.stdin)
pkg = next(p for p in meta["packages"] if p["name"] == "cleeng-" + family)
def toml(v):
    return json.dumps(v)
lines = ["[package]", "name = \"floor-%s\"" % family, "version = \"0.0.0\"",
         "edition = %s" % toml(pkg["edition"]), "publish = false", "", "[workspace]", "",
         "[dependencies]"]
for d in pkg["dependencies"]:
    if d["kind"] is not None:
        continue
    parts = ["version = %s" % toml(d["req"])]
    if d.get("path"):
        parts.append("path = %s" % toml(d["path"]))
    if not d["uses_default_features"]:
        parts.append("default-features = false")
    if d["features"]:
        parts.append("features = %s" % toml(d["features"]))
    if d["optional"]:
        parts.append("optional = true")
    name = d["rename"] or d["name"]
    if d["rename"]:
        parts.append("package = %s" % toml(d["name"]))
    lines.append("%s = { %s }" % (name, ", ".join(parts)))
lines += ["", "[features]"]
for feature, deps in sorted(pkg["features"].items()):
    lines.append("%s = %s" % (toml(feature), toml(deps)))
open(out + "/Cargo.toml", "w").write("\n".join(lines) + "\n")
' "$family" "$dir"
}

# Cold build; prints the wall time in seconds. $1 = label, $2 = target dir, rest = command.
cold_build() {
  local label=$1 target=$2; shift 2
  rm -rf "$target"
  local start end
  start=$(now)
  if ! CARGO_TARGET_DIR=$target "$@" >"$target.log" 2>&1; then
    echo "build failed ($label): see $target.log" >&2
    tail -20 "$target.log" >&2
    exit 1
  fi
  end=$(now)
  python3 -c "print(f'{$end - $start:.1f}')"
}

# The family crate's own unit time (seconds) from the --timings report in target dir $1.
own_time() {
  local html=$1/cargo-timings/cargo-timing.html crate=$2
  python3 - "$html" "$crate" <<'EOF'
import json, re, sys
html, crate = sys.argv[1], sys.argv[2].replace("-", "_")
text = open(html).read()
m = re.search(r"const UNIT_DATA = (\[.*?\]);\n", text, re.S)
units = json.loads(m.group(1)) if m else []
t = sum(u["duration"] for u in units if u["name"].replace("-", "_") == crate)
print(f"{t:.1f}")
EOF
}

median() { python3 -c 'import sys, statistics; print(f"{statistics.median(map(float, sys.argv[1:])):.1f}")' "$@"; }

echo "build cost: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(rustc --version), profile ${profile_args[*]:-dev}, $runs run(s), source ${rev:-work tree}"
summary=()
for family in "${families[@]}"; do
  crate=cleeng-$family
  floor=$base/floor-$family
  make_floor "$family" "$floor"
  floor_times=() crate_times=() own_times=()
  for run in $(seq 1 "$runs"); do
    # Alternate the order so slow drift in machine load lands on both sides.
    if [ $((run % 2)) -eq 1 ]; then order="floor crate"; else order="crate floor"; fi
    for side in $order; do
      if [ "$side" = floor ]; then
        t=$(cd "$floor" && cold_build "floor-$family" "$base/target-floor-$family" cargo build "${profile_args[@]}")
        floor_times+=("$t")
      else
        t=$(cd "$src" && cold_build "$crate" "$base/target-$family" cargo build -p "$crate" --timings "${profile_args[@]}")
        crate_times+=("$t")
        own_times+=("$(own_time "$base/target-$family" "$crate")")
      fi
    done
    echo "  $crate run $run: floor ${floor_times[-1]} s, crate ${crate_times[-1]} s (of which $crate itself ${own_times[-1]} s), load $(cut -d' ' -f1 /proc/loadavg)"
  done
  mf=$(median "${floor_times[@]}") mc=$(median "${crate_times[@]}") mo=$(median "${own_times[@]}")
  ratio=$(python3 -c "print(f'{$mc / $mf:.3f}')")
  # The family crate is the last unit of its build and runs alone, so (floor + own) / floor is
  # the same ratio with less noise from other processes than the difference of two cold builds.
  derived=$(python3 -c "print(f'{($mf + $mo) / $mf:.3f}')")
  verdict=$(python3 -c "print('ok' if $ratio <= 1.3 else 'MISSED')")
  lines=$(wc -l < "$src/crates/$crate/src/generated.rs")
  echo "$crate: median cold build ${mc} s vs floor ${mf} s -> ratio ${ratio} (target <= 1.30, $verdict); $crate itself ${mo} s, so (floor + own) / floor = ${derived}; generated.rs ${lines} lines; timings: $base/target-$family/cargo-timings/"
  summary+=("$crate $ratio (from own unit time: $derived)")
done
echo "summary (ratio family / floor, target <= 1.30):"
for line in "${summary[@]}"; do echo "  $line"; done
