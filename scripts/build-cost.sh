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
#
# User-crate mode (issue 20): scripts/build-cost.sh --user [--rev REV] [--base REV] [--floor-tls T]
#   What a new user pays: a fresh binary crate outside the workspace whose only SDK dependency is
#   `cleeng-core` (by path; plus tokio for `main`) and whose program lists one customer's
#   subscriptions, against a hand-written floor (reqwest + serde + tokio, the same TLS choice, an
#   equivalent program). Each side is a cold debug build from its own empty CARGO_TARGET_DIR;
#   sides alternate order per run. Prints wall times with the load beside each, the medians and
#   ratios, the ten slowest units of the first run (`cargo build --timings`) with the dependency
#   chain that pulls each in, and (unless SIZES=0) each side's release binary size.
#   --base REV       also measure the user crate against cleeng-core at REV (e.g. main), so the
#                    before/after ratio comes from one session.
#   --floor-tls T    floor TLS: ring (reqwest rustls-no-provider + rustls/ring + the platform
#                    verifier), aws-lc (reqwest's `rustls`), native (reqwest's `native-tls`);
#                    repeat for several floors. Default: ring.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-3}
base=${BUILD_COST_DIR:-/tmp/cleeng-build-cost}
rev=""
profile_args=()
families=()
user_mode=0
base_rev=""
floor_tls=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rev) rev=$2; shift 2 ;;
    --release) profile_args=(--release); shift ;;
    --user) user_mode=1; shift ;;
    --base) base_rev=$2; shift 2 ;;
    --floor-tls) floor_tls+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) families+=("$1"); shift ;;
  esac
done
[ ${#families[@]} -gt 0 ] || families=(core mediastore)
mkdir -p "$base"

# Exports a committed revision into $base/src-<short> and prints the directory.
export_rev() {
  local dir
  dir=$base/src-$(git -C "$repo" rev-parse --short "$1")
  rm -rf "$dir" && mkdir -p "$dir"
  git -C "$repo" archive "$1" | tar -x -C "$dir"
  echo "$dir"
}

src=$repo
[ -z "$rev" ] || src=$(export_rev "$rev")

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

# The ten slowest units of the --timings report in target dir $1, each with the dependency
# chain from the crate in $2 that pulls it in (shortest path in `cargo tree`'s graph, normal and
# build edges, this host only) and its direct dependents (what `cargo tree -i <unit>` shows).
top_units() {
  local html=$1/cargo-timings/cargo-timing.html dir=$2 tree=$1.tree.txt
  # Every edge of this build's dependency graph (normal and build, this host), one line per
  # package with its depth; deduplicated subtrees still show the edge into them.
  (cd "$dir" && cargo tree -e normal,build --prefix depth --format '{p}') > "$tree"
  python3 - "$html" "$tree" <<'EOF'
import collections, json, re, sys
text = open(sys.argv[1]).read()
m = re.search(r"const UNIT_DATA = (\[.*?\]);\n", text, re.S)
units = json.loads(m.group(1)) if m else []
users = collections.defaultdict(set)
stack = []
root = None
for line in open(sys.argv[2]):
    m = re.match(r"(\d+)(\S+) v(\S+)", line)
    if not m:
        continue
    depth, pkg = int(m.group(1)), (m.group(2), m.group(3))
    del stack[depth:]
    if stack:
        users[pkg].add(stack[-1])
    else:
        root = pkg
    stack.append(pkg)
# Shortest chain from the root: breadth-first over the reversed edges.
children = collections.defaultdict(set)
for pkg, parents in users.items():
    for parent in parents:
        children[parent].add(pkg)
parent_of = {root: None}
queue = collections.deque([root])
while queue:
    cur = queue.popleft()
    for child in sorted(children[cur]):
        if child not in parent_of:
            parent_of[child] = cur
            queue.append(child)
def key(name, version):
    for n in (name, name.replace("_", "-")):
        if (n, version) in parent_of:
            return (n, version)
def chain(name, version):
    pkg, out = key(name, version), []
    while pkg is not None:
        out.append(pkg[0])
        pkg = parent_of[pkg]
    return " <- ".join(out) or name
def dependents(name, version):
    return ", ".join(sorted(p[0] for p in users.get(key(name, version), ()))) or "-"
total = sum(u["duration"] for u in units)
top = int(__import__("os").environ.get("TOP", "10"))
print(f"    {len(units)} units, {total:.1f} s of unit time; {top} slowest:")
for u in sorted(units, key=lambda u: -u["duration"])[:top]:
    target = u.get("target", "").strip() or "lib"
    print(f"    {u['duration']:6.1f} s  {u['name']} {u['version']} ({target})  pulled in by: {chain(u['name'], u['version'])}; used by: {dependents(u['name'], u['version'])}")
EOF
}

# Writes a user crate into $2: cleeng-core by path from source tree $1, that tree's Cargo.lock.
make_user() {
  local tree=$1 dir=$2
  rm -rf "$dir" && mkdir -p "$dir/src"
  cp "$tree/Cargo.lock" "$dir/Cargo.lock"
  cat > "$dir/Cargo.toml" <<EOF
[package]
name = "user-crate"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
cleeng-core = { path = "$tree/crates/cleeng-core" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
EOF
  cat > "$dir/src/main.rs" <<'EOF'
//! A new user's service: list one customer's subscriptions (against `cleeng-mock` or Cleeng).
use cleeng_core::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:9/core".into());
    let token = std::env::var("CLEENG_PUBLISHER_TOKEN").unwrap_or_else(|_| "any".into());
    let customer: i64 = std::env::var("CLEENG_CUSTOMER_ID").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let client = Client::new(Environment::Custom(url), PublisherToken::new(token))?;
    let list = client.list_subscriptions().customer_id(customer).call().await?;
    println!("{list:?}");
    Ok(())
}
EOF
}

# Writes the hand-written floor for TLS choice $1 into $2 (Cargo.lock from the work tree).
make_user_floor() {
  local tls=$1 dir=$2 tls_deps tls_setup=""
  case "$tls" in
    ring)
      tls_deps='reqwest = { version = "0.13", default-features = false, features = ["json", "query", "rustls-no-provider"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }
rustls-platform-verifier = "0.7"'
      tls_setup='
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?.with_platform_verifier()?.with_no_client_auth();'
      ;;
    aws-lc) tls_deps='reqwest = { version = "0.13", default-features = false, features = ["json", "query", "rustls"] }' ;;
    native) tls_deps='reqwest = { version = "0.13", default-features = false, features = ["json", "query", "native-tls"] }' ;;
    *) echo "unknown floor TLS: $tls" >&2; exit 2 ;;
  esac
  rm -rf "$dir" && mkdir -p "$dir/src"
  cp "$src/Cargo.lock" "$dir/Cargo.lock"
  cat > "$dir/Cargo.toml" <<EOF
[package]
name = "user-floor"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
$tls_deps
serde = { version = "1", features = ["derive"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
EOF
  local builder='reqwest::Client::builder()'
  [ -z "$tls_setup" ] || builder='reqwest::Client::builder().tls_backend_preconfigured(tls)'
  cat > "$dir/src/main.rs" <<EOF
//! The same service by hand: reqwest + serde + tokio with the same TLS choice ($tls).
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Subscription { id: Option<i64>, offer_id: Option<String>, status: Option<String>, date_to: Option<i64> }
#[derive(Debug, serde::Deserialize)]
struct List { data: Vec<Subscription> }

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:9/core".into());
    let token = std::env::var("CLEENG_PUBLISHER_TOKEN").unwrap_or_else(|_| "any".into());
    let customer = std::env::var("CLEENG_CUSTOMER_ID").unwrap_or_else(|_| "1".into());$tls_setup
    let client = $builder.redirect(reqwest::redirect::Policy::none()).build()?;
    let response = client.get(format!("{url}/subscriptions")).query(&[("customerId", customer)])
        .header("X-Publisher-Token", token).send().await?.error_for_status()?;
    let list: List = response.json().await?;
    println!("{list:?}");
    Ok(())
}
EOF
}

user_mode_run() {
  [ ${#floor_tls[@]} -gt 0 ] || floor_tls=(ring)
  local sides=() dirs=() times_var
  declare -gA side_dir=() side_times=()
  make_user "$src" "$base/user-${rev:-tree}"
  sides+=("user@${rev:-tree}"); side_dir["user@${rev:-tree}"]=$base/user-${rev:-tree}
  if [ -n "$base_rev" ]; then
    local bsrc
    bsrc=$(export_rev "$base_rev")
    make_user "$bsrc" "$base/user-$base_rev"
    sides+=("user@$base_rev"); side_dir["user@$base_rev"]=$base/user-$base_rev
  fi
  for tls in "${floor_tls[@]}"; do
    make_user_floor "$tls" "$base/user-floor-$tls"
    sides+=("floor-$tls"); side_dir["floor-$tls"]=$base/user-floor-$tls
  done
  # FIRST_RUN=N numbers the runs from N (their rotation too), to add runs to an earlier session.
  for run in $(seq "${FIRST_RUN:-1}" $(( ${FIRST_RUN:-1} + runs - 1 ))); do
    # Rotate the order every run so load drift lands on every side.
    local order=() n=${#sides[@]} i
    for i in $(seq 0 $((n - 1))); do order+=("${sides[$(( (i + run - 1) % n ))]}"); done
    local line="  run $run:"
    for side in "${order[@]}"; do
      local dir=${side_dir[$side]} target=$base/target-${side//[@\/]/-} load
      load=$(cut -d' ' -f1 /proc/loadavg)
      t=$(cd "$dir" && cold_build "$side" "$target" cargo build --timings)
      side_times[$side]="${side_times[$side]:-} $t"
      line+=" $side ${t} s (load ${load}→$(cut -d' ' -f1 /proc/loadavg));"
      if [ "$run" -eq "${FIRST_RUN:-1}" ]; then
        echo "  $side, first run, cold debug build ${t} s:"
        top_units "$target" "$dir"
      fi
    done
    echo "$line"
  done
  echo "user crate, medians of $runs cold debug build(s):"
  local first=${sides[0]} m0
  m0=$(median ${side_times[$first]})
  for side in "${sides[@]}"; do
    local m
    m=$(median ${side_times[$side]})
    echo "  $side: ${m} s (runs:${side_times[$side]}), ratio to $first $(python3 -c "print(f'{$m / $m0:.3f}')")"
  done
  if [ "${SIZES:-1}" != 0 ]; then
    echo "release binary sizes (cold release build each, wall time beside):"
    for side in "${sides[@]}"; do
      local dir=${side_dir[$side]} target=$base/target-release-${side//[@\/]/-} name
      t=$(cd "$dir" && cold_build "$side release" "$target" cargo build --release)
      name=$(sed -n 's/^name = "\(.*\)"/\1/p' "$dir/Cargo.toml" | head -1)
      echo "  $side: $(stat -c %s "$target/release/$name") bytes ($(python3 -c "print(f'{$(stat -c %s "$target/release/$name") / 1e6:.2f}')") MB), release build ${t} s, load $(cut -d' ' -f1 /proc/loadavg)"
    done
  fi
}

if [ "$user_mode" = 1 ]; then
  echo "build cost (user crate): $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(rustc --version), $runs run(s), source ${rev:-work tree}${base_rev:+, base $base_rev}"
  user_mode_run
  exit 0
fi

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
