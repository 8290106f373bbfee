#!/usr/bin/env bash
# A Python virtual environment with Kernel Tuner from PyPI, for the tests that check
# evojit's files with Kernel Tuner itself (tests/interop/kernel_tuner_cache_output_test.cpp).
# Installed once into the given folder (the build tree) and reused; exits non-zero,
# saying why, when it cannot be installed (no python3-venv, no network).
#
# usage: scripts/kernel_tuner_venv.sh VENV_DIR
set -euo pipefail
venv="$1"
if [ -x "$venv/bin/python3" ] && "$venv/bin/python3" -c "import kernel_tuner" 2>/dev/null; then
  exit 0
fi
# Two test processes may ask at once: one installs, the other waits for it.
exec 9>"$venv.lock"
flock 9
if [ -x "$venv/bin/python3" ] && "$venv/bin/python3" -c "import kernel_tuner" 2>/dev/null; then
  exit 0
fi
rm -rf "$venv"
python3 -m venv "$venv"
timeout 600 "$venv/bin/pip" install --quiet --disable-pip-version-check "kernel_tuner==1.5.*"
"$venv/bin/python3" -c "import kernel_tuner; print('kernel_tuner', kernel_tuner.__version__)"
