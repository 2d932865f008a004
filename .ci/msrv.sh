#!/usr/bin/env bash
# MSRV check without a second toolchain: every package in the lockfile's resolved graph (all
# features, all targets, every platform) must declare a `rust-version` no higher than ours, and
# every package of ours must declare ours. Cargo's MSRV-aware resolver (`resolver = "3"` in
# Cargo.toml) keeps `cargo update` and new dependencies within it; this check fails when the
# lockfile is edited some other way. Our own code is covered by clippy's `incompatible_msrv`
# lint, which reads the same `rust-version` (`.ci/run` runs clippy with -D warnings).
# Packages that declare no rust-version cannot be checked here; they are counted and listed.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo metadata --format-version 1 --locked --all-features | python3 -c '
import json, sys

def key(v):
    parts = [int(p) for p in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))

meta = json.load(sys.stdin)
members = set(meta["workspace_members"])
ours = {p["rust_version"] for p in meta["packages"] if p["id"] in members}
if len(ours) != 1 or None in ours:
    sys.exit(f"msrv: every workspace package must declare the same rust-version, found {sorted(map(str, ours))}")
msrv = ours.pop()
resolved = {n["id"] for n in meta["resolve"]["nodes"]}
deps = [p for p in meta["packages"] if p["id"] in resolved and p["id"] not in members]
too_new = sorted((p["name"], p["version"], p["rust_version"]) for p in deps
                 if p["rust_version"] and key(p["rust_version"]) > key(msrv))
undeclared = sorted(p["name"] + " " + p["version"] for p in deps if not p["rust_version"])
print(f"msrv: rust-version {msrv}; {len(deps)} dependencies in the lockfile graph, "
      f"{len(deps) - len(undeclared)} declare a rust-version, {len(too_new)} above {msrv}")
if undeclared:
    print(f"msrv: {len(undeclared)} declare none (not checkable): " + ", ".join(undeclared))
for name, version, rv in too_new:
    print(f"msrv: {name} {version} needs Rust {rv} > {msrv}")
if too_new:
    sys.exit(f"msrv: FAILED; pin them (with resolver 3, `cargo update -p NAME` picks the newest version that supports {msrv})")
'
