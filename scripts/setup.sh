#!/usr/bin/env bash
# Installs the Debian packages evojit builds against, only those that are missing.
# Idempotent; safe to run on every invocation of the README commands.
set -euo pipefail
packages=(
  cmake ninja-build g++ pkg-config
  llvm-19-dev libclang-19-dev libclang-cpp19-dev clang-19 libclang-rt-19-dev
  libtbb-dev libomp-19-dev libeigen3-dev nlohmann-json3-dev libcli11-dev
  libsqlite3-dev libxxhash-dev zlib1g-dev libzstd-dev
  libgtest-dev libgmock-dev
  python3 python3-venv  # the tests check evojit's Kernel Tuner caches with Kernel Tuner (pip, in a venv)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
