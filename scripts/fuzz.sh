#!/usr/bin/env bash
# Runs every `go test -fuzz` target of the project for a bounded time each.
set -euo pipefail
budget=${1:-10s}
found=0
while IFS= read -r line; do
  file=${line%%:*}
  name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' <<<"${line#*:}")
  pkg=./$(dirname "$file")
  found=$((found+1))
  echo "fuzz: $pkg $name for $budget"
  go test -run XXX -fuzz "^${name}\$" -fuzztime "$budget" "$pkg"
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . | sed -E 's/^\.\///; s/^([^:]*):[0-9]+:/\1:/')
echo "fuzz: $found targets ran"
