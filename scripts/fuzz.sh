#!/usr/bin/env bash
# Runs every `go test -fuzz` target of the project for a bounded time each.
#
# Go 1.26's fuzz coordinator can end a run that found nothing with a bare
# "context deadline exceeded" when -fuzztime expires while a worker is busy
# (golang/go#75804, fixed in Go 1.27). Such a run wrote no failing input, so
# it is not a finding: the target's corpus is replayed instead, and that
# replay must pass. Anything else that fails (a failing input written, a
# panic, a test error) fails the script.
set -euo pipefail
budget=${1:-10s}
found=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
while IFS= read -r line; do
  file=${line%%:*}
  name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' <<<"${line#*:}")
  # A target in a module of its own (third_party/gopher-lua) runs from
  # that module's folder.
  mod=$(dirname "$file")
  while [ "$mod" != "." ] && [ ! -f "$mod/go.mod" ]; do mod=$(dirname "$mod"); done
  pkg=./$(realpath --relative-to="$mod" "$(dirname "$file")")
  found=$((found+1))
  echo "fuzz: $mod $pkg $name for $budget"
  rc=0
  (cd "$mod" && go test -run XXX -fuzz "^${name}\$" -fuzztime "$budget" "$pkg") 2>&1 | tee "$log" || rc=$?
  if [ "$rc" -ne 0 ]; then
    if grep -q 'context deadline exceeded' "$log" && ! grep -q -e 'Failing input written' -e 'panic:' "$log"; then
      echo "fuzz: $name ended on Go's fuzztime deadline race (golang/go#75804), nothing found; replaying its corpus"
      (cd "$mod" && go test -count=1 -run "^${name}\$" "$pkg")
    else
      echo "fuzz: $name failed" >&2
      exit 1
    fi
  fi
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . | sed -E 's/^\.\///; s/^([^:]*):[0-9]+:/\1:/')
echo "fuzz: $found targets ran"
