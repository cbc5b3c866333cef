#!/usr/bin/env bash
# Installs the system packages modscope needs to build and test (Debian/Ubuntu):
# a C compiler and the OpenGL/X11 headers for Fyne, Xvfb, xdotool and
# ImageMagick for the window tests (the real binary, screenshotted), and
# lua5.1 and GNU time for the side-by-side benchmark (scripts/bench.sh), and
# xz-utils for the desktop bundle (make package).
# As root it installs what is missing with apt-get; otherwise it prints the
# exact command to run and fails.
set -euo pipefail
pkgs=(gcc libgl1-mesa-dev xorg-dev xvfb xdotool imagemagick lua5.1 time xz-utils)
missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ! command -v go >/dev/null 2>&1; then
  echo "deps: Go is not installed. Install Go 1.26 or newer from https://go.dev/dl/ and put it on PATH." >&2
  exit 1
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "deps: installing ${missing[*]}"
  sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "deps: missing system packages. Run:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
