#!/usr/bin/env python3
"""Feature splits between `cargo test --workspace` and the examples (issue 20, point 5).

Cargo resolves features over the packages a command selects. If `cargo test --workspace` turns on
a feature of a shared dependency that `cargo run --example X` (package `cleeng` with its
dev-dependencies) does not, every crate above that dependency is compiled twice: once for the
tests, once for the example (a split in `tokio` alone recompiles hyper, reqwest, the runtime and
every family). This compares the two resolutions with `cargo tree` and fails on any package whose
features differ, naming the features. Fix a split by turning the same feature on in the root
package's dev-dependencies (or by removing it where it is not needed).

Usage: .ci/feature-split.py   (from the repository root; needs cargo)
"""
import subprocess
import sys

EDGES = "normal,build,dev"


def resolve(selection):
    """{package id without the (*) marks: set of features} for a `cargo tree` selection."""
    out = subprocess.run(
        ["cargo", "tree", *selection, "-e", EDGES, "-f", "{p} [{f}]", "--prefix", "none"],
        check=True, capture_output=True, text=True).stdout
    packages = {}
    for line in out.splitlines():
        line = line.strip()
        if " [" not in line:
            continue
        package, features = line.rsplit(" [", 1)
        features = features.split("]", 1)[0]
        package = package.replace(" (proc-macro)", "").split(" (/")[0].strip()
        packages.setdefault(package, set()).update(f for f in features.split(",") if f)
    return packages


def main():
    workspace = resolve(["--workspace"])
    examples = resolve(["-p", "cleeng"])
    splits = []
    for package in sorted(examples):
        extra = workspace.get(package, set()) - examples[package]
        missing = examples[package] - workspace.get(package, set())
        if extra or missing:
            splits.append(f"{package}: `cargo test --workspace` adds {sorted(extra)}, the examples add {sorted(missing)}")
    for split in splits:
        print(f"feature split: {split}")
    print(f"feature-split: {len(examples)} packages the examples build, {len(splits)} resolved differently by the workspace")
    return 1 if splits else 0


if __name__ == "__main__":
    sys.exit(main())
