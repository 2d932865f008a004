#!/usr/bin/env bash
# `cargo package` for every publishable crate of the workspace (those not `publish = false`, read
# from cargo itself, so a new crate is included without editing this), verified: each is built
# from its packaged files alone, in dependency order, against the others' packages. Lists the
# .crate files with their sizes. scripts/package-smoke.sh then uses them.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}

mapfile -t packages < <(cargo metadata --format-version 1 --no-deps --locked | python3 -c '
import json, sys
for p in json.load(sys.stdin)["packages"]:
    if p["publish"] is None or p["publish"]:
        print(p["name"], p["version"])
')
# Verification resolves the crates against each other through a temporary local registry and
# unpacks them into $CARGO_HOME/registry/src/-<hash>/NAME-VERSION. Cargo never unpacks a
# NAME-VERSION again once that directory exists, so a second run at the same version would verify
# against the first run's sources (seen here: cleeng-auth verified against a cleeng-runtime from
# before a change). Remove those unpacked copies of our packages first; they are re-created from
# the fresh .crate files. Directories of crates.io sources ("index.*") are never touched.
cargo_home=${CARGO_HOME:-$HOME/.cargo}
args=()
for entry in "${packages[@]}"; do
  read -r name version <<< "$entry"
  args+=(-p "$name")
  for stale in "$cargo_home"/registry/src/-*/"$name-$version"; do
    [ -d "$stale" ] && rm -rf -- "$stale"
  done
done
# The same holds for what cargo compiled from that registry: a registry package is never
# rebuilt at the same version, so the last verification's cleeng-runtime would be linked again.
# `cargo clean -p` removes our packages' artifacts (they are rebuilt; dependencies are kept).
cargo clean --quiet "${args[@]}"
cargo package --locked "${args[@]}"

echo "== packages"
for entry in "${packages[@]}"; do
  read -r name version <<< "$entry"
  crate="$target/package/$name-$version.crate"
  files=$(tar -tzf "$crate" | wc -l)
  printf '%-28s %7s bytes  %3s files\n' "$name-$version.crate" "$(stat -c %s "$crate")" "$files"
done
