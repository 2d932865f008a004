#!/usr/bin/env bash
# Package smoke test: a crate outside the workspace depends on the packaged `cleeng` and
# `cleeng-mock` (the .crate files `cargo package --workspace` wrote, unpacked, reached through a
# [patch.crates-io]) and runs a call against the mock. This is what a crates.io user would build:
# only the packaged files, no path into the repository, the repository's build guard absent.
#
# Run `cargo package --workspace` first (.ci/run does). Uses the workspace's target directory,
# so dependencies the tests already compiled are reused.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target=${CARGO_TARGET_DIR:-$root/target}

# The publishable packages (publish not false) and their version, from cargo itself.
mapfile -t packages < <(cargo metadata --format-version 1 --no-deps --locked | python3 -c '
import json, sys
for p in json.load(sys.stdin)["packages"]:
    if p["publish"] is None or p["publish"]:
        print(p["name"], p["version"])
')

work=$(mktemp -d "${TMPDIR:-/tmp}/cleeng-package-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/packages"
cp -r scripts/package-smoke "$work/app"
cp Cargo.lock "$work/app/Cargo.lock"
{
  echo
  echo "# Written by scripts/package-smoke.sh: the packaged crates instead of crates.io."
  echo "[patch.crates-io]"
} >> "$work/app/Cargo.toml"
for entry in "${packages[@]}"; do
  read -r name version <<< "$entry"
  crate="$target/package/$name-$version.crate"
  if [ ! -f "$crate" ]; then
    echo "package smoke: $crate is missing; run \`cargo package --workspace\` first" >&2
    exit 1
  fi
  tar -xzf "$crate" -C "$work/packages"
  echo "$name = { path = \"$work/packages/$name-$version\" }" >> "$work/app/Cargo.toml"
  echo "package smoke: $name $version ($(du -k "$crate" | cut -f1) KiB packaged)"
done

cd "$work/app"
# No path may lead back into the repository: the packages must stand alone.
if grep -rq -- "$root" "$work/packages"; then
  echo "package smoke: a packaged file names the repository path $root" >&2
  exit 1
fi
CARGO_TARGET_DIR="$target" cargo build --quiet
CARGO_TARGET_DIR="$target" timeout 120 cargo run --quiet
