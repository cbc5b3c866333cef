#!/usr/bin/env bash
# scripts/bench.sh: modscope side by side with C Lua 5.1 on generated game
# trees (issues 9 and 22), printing the ratios against the targets issue 22 sets.
#
#   scripts/bench.sh [PRESET...]        presets: small shipped mods huge (default: shipped mods)
#
# For each preset it writes the tree with cmd/gengame (deterministic, no
# downloads), then, best of $RUNS runs each:
#   lua5.1     scripts/lua51/run.lua DIR            the same load under C Lua: modscope's
#                                                   own core runtime (engine/autorun/core),
#                                                   the same steps, stubbed engine calls
#   cold       modscope run DIR --stubs --json      empty compile cache
#   reopen     the same after editing one file      disk compile cache from the cold run
#   reload     `reload` in an event script          the ReloadLua steps' own time, from the report
# Wall time comes from bash's clock, peak RSS from GNU time (/usr/bin/time -v).
#
# Environment: SEED (1), RUNS (3), BENCH_DIR (work folder; default a temporary
# one, removed after), MODSCOPE (a modscope binary; default: build
# bin/modscope-headless, which is modscope without the window and builds in
# seconds), GENGAME (a gengame binary, e.g. an older generator's, to compare
# trees; default: build cmd/gengame). Needs lua5.1, GNU time and Go
# (scripts/deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(shipped mods)
SEED=${SEED:-1}
RUNS=${RUNS:-3}

for tool in lua5.1 go awk; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (scripts/deps.sh installs it)" >&2; exit 2; }
done
/usr/bin/time -v true >/dev/null 2>&1 || { echo "bench: GNU time (/usr/bin/time) is not installed: apt-get install time" >&2; exit 2; }

work=${BENCH_DIR:-}
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
if [ -n "${GENGAME:-}" ]; then
  cp "$GENGAME" "$work/gengame"
else
  go build -o "$work/gengame" ./cmd/gengame
fi
if [ -z "${MODSCOPE:-}" ]; then
  mkdir -p bin
  go build -o bin/modscope-headless ./cmd/modscope-headless
  MODSCOPE=bin/modscope-headless
fi

# measure CMD...: runs CMD under GNU time; sets secs, mb, rc; stdout in $work/out.
measure() {
  local t0 t1
  rc=0
  t0=$EPOCHREALTIME
  /usr/bin/time -v -o "$work/time" "$@" >"$work/out" 2>"$work/err" || rc=$?
  t1=$EPOCHREALTIME
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  mb=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/time")
}

# best LABEL CMD...: best of $RUNS; sets best_secs, best_mb, best_rc and keeps
# the best run's stdout in $work/best.out. $before, if set, runs first each time.
best() {
  local label=$1
  shift
  best_secs="" best_mb="" best_rc=0
  for ((i = 1; i <= RUNS; i++)); do
    [ -n "${before:-}" ] && eval "$before"
    measure "$@"
    if [ -z "$best_secs" ] || awk -v a="$secs" -v b="$best_secs" 'BEGIN { exit !(a < b) }'; then
      best_secs=$secs best_mb=$mb best_rc=$rc
      cp "$work/out" "$work/best.out"
      cp "$work/err" "$work/best.err"
    fi
  done
  printf '  %-38s %8.3f s %7s MB\n' "$label" "$best_secs" "$best_mb"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

# files_of: "ok/failed" from a modscope JSON report in $work/best.out.
files_of() { grep -o '"files":{"ok":[0-9]*,"failed":[0-9]*}' "$work/best.out" | awk "NR == 1" | tr -dc '0-9,' | tr ',' '/'; }

# reload_ms: the ReloadLua steps' time from a report (steps from "ReloadLua" on).
reload_ms() {
  grep -o '"name":"[^"]*","kind":"[^"]*","ms":[0-9.eE+-]*' "$work/best.out" |
    awk -F'"' '{ ms = $0; sub(/.*"ms":/, "", ms) } $4 == "ReloadLua" { on = 1 } on { sum += ms } END { if (on) printf "%.1f", sum; else print "" }'
}

echo "modscope vs C Lua 5.1 — $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), best of $RUNS"
for preset in "${presets[@]}"; do
  dir="$work/$preset"
  rm -rf "$dir"
  "$work/gengame" -out "$dir" -preset "$preset" -seed "$SEED" >"$work/manifest.json"
  files=$(grep -m1 '"files"' "$work/manifest.json" | tr -dc '0-9')
  bytes=$(grep -m1 '"bytes"' "$work/manifest.json" | tr -dc '0-9')
  expect=$(grep -c '"line"' "$work/manifest.json" || true)
  echo
  echo "== $preset (seed $SEED): $files files, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB, $expect files fail on purpose"
  find "$dir" -type f -exec cat {} + >/dev/null # warm the page cache

  before=""
  best "lua5.1 run.lua (every file)" lua5.1 scripts/lua51/run.lua "$dir" --quiet
  lua_secs=$best_secs lua_mb=$best_mb
  lua_files=$(grep -o 'files ok=[0-9]* failed=[0-9]*' "$work/best.out" | awk "NR == 1" | tr -dc '0-9 ' | awk '{ print $1 "/" $2 }')
  lua_classes=$(grep -o 'classes=[0-9]*' "$work/best.out" | awk "NR == 1" | tr -dc '0-9')

  n=0
  before='n=$((n + 1)); export MODSCOPE_CACHE="$work/cache-$preset-$n"; rm -rf "$MODSCOPE_CACHE"'
  best "modscope run --stubs (cold)" "$MODSCOPE" run "$dir" --stubs --json
  before=""
  if [ "$best_rc" -ge 2 ] || ! grep -q '"model":"autorun"' "$work/best.out"; then
    echo "  modscope could not run this tree as an autorun game (exit $best_rc):"
    sed -n '1,3p' "$work/best.err" | sed 's/^/    /'
    [ -s "$work/best.out" ] && head -c 300 "$work/best.out" | sed 's/^/    /' && echo
    echo "  (the autorun model must be registered and detected; no ratios for $preset)"
    continue
  fi
  cold_secs=$best_secs cold_mb=$best_mb cold_files=$(files_of)
  cold_classes=$(grep -o '"classes":[0-9]*' "$work/best.out" | awk "NR == 1" | tr -dc '0-9')
  export MODSCOPE_CACHE="$work/cache-$preset-$n" # the last cold run's disk cache

  edit="$dir/$(cd "$dir" && find Lua -name '*.lua' | LC_ALL=C sort | awk 'NR == 1')"
  before='printf "\n-- edited by bench.sh\n" >>"$edit"'
  best "modscope reopen after one edit" "$MODSCOPE" run "$dir" --stubs --json
  reopen_secs=$best_secs

  printf 'reload\n' >"$work/reload.events"
  best "modscope run + reload (whole process)" "$MODSCOPE" run "$dir" --stubs --json --events "$work/reload.events"
  before=""
  rms=$(reload_ms)
  unset MODSCOPE_CACHE
  if [ -n "$rms" ]; then
    printf '  %-38s %8.3f s   (the ReloadLua steps, from the report)\n' "  of which ReloadLua" "$(awk -v m="$rms" 'BEGIN { printf "%.3f", m / 1000 }')"
  fi

  echo "  files ok/failed: lua5.1 $lua_files, modscope $cold_files$([ "$lua_files" = "$cold_files" ] && echo " (same)" || echo " (DIFFERENT)")"
  echo "  classes built: lua5.1 $lua_classes, modscope $cold_classes$([ "$lua_classes" = "$cold_classes" ] && echo " (same)" || echo " (DIFFERENT)")"
  echo "  ratios (target):"
  echo "    cold run time      $(ratio "$cold_secs" "$lua_secs")  (<= 2.0x lua5.1, issue 22)"
  echo "    peak RSS           $(ratio "$cold_mb" "$lua_mb")  (<= 5x lua5.1, issue 22)"
  echo "    reopen after edit  $(ratio "$reopen_secs" "$lua_secs")  (<= 1.0x lua5.1 full run, issue 22)"
  if [ -n "$rms" ]; then
    echo "    ReloadLua          $(ratio "$(awk -v m="$rms" 'BEGIN { print m / 1000 }')" "$lua_secs")  (<= 2x lua5.1 full run)"
  else
    echo "    ReloadLua          n/a (no ReloadLua step in the report)"
  fi
done
