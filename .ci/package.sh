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
args=()
for entry in "${packages[@]}"; do
  args+=(-p "${entry%% *}")
done
cargo package --locked "${args[@]}"

echo "== packages"
for entry in "${packages[@]}"; do
  read -r name version <<< "$entry"
  crate="$target/package/$name-$version.crate"
  files=$(tar -tzf "$crate" | wc -l)
  printf '%-28s %7s bytes  %3s files\n' "$name-$version.crate" "$(stat -c %s "$crate")" "$files"
done
