#!/usr/bin/env bash
# Reads every fixture under crates/office/tests/data/bench with `luoshi import --dry-run --json`
# (an empty data directory: no org tree, so units are read as written) and compares the rows with
# the fixture's NAME.truth.json, a list of {title, lead_units, co_units, deadline} written by hand.
# A row matches a truth row when their titles agree (similarity ≥ 0.6, each matched once); recall
# and precision count matched rows, field accuracy counts matched rows whose lead units, co-units
# and deadline phrase agree. Prints one table row per document and the overall figures.
# Usage: bench/extract.sh [--release]; LUOSHI=path/to/luoshi uses that binary instead of building.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=debug
[ "${1:-}" = --release ] && profile=release
if [ -z "${LUOSHI:-}" ]; then
  cargo build -p luoshi --quiet $([ $profile = release ] && echo --release)
  LUOSHI=${CARGO_TARGET_DIR:-target}/$profile/luoshi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for file in crates/office/tests/data/bench/*; do
  case "$file" in *.truth.json) continue ;; esac
  name=$(basename "${file%.*}")
  "$LUOSHI" import "$file" --data "$work/data" --dry-run --json \
    --clock 2026-06-30T09:00:00+08:00 >"$work/$name.json" 2>"$work/$name.err" || true
done
python3 bench/extract_score.py crates/office/tests/data/bench "$work"
