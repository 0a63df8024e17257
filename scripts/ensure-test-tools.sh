#!/usr/bin/env bash
# Makes sure the system programs that tests drive are present (kubectl, tmux, chromium), installing them
# from Debian's packages when missing. Tests that need a tool still check for it and say so.
set -uo pipefail
need_apt=()
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
if ! command -v kubectl >/dev/null 2>&1; then
  # Debian's kubernetes-client is an old kubectl (1.20); enough for get/logs/describe/delete/patch.
  need_apt+=(kubernetes-client)
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null 2>&1 || echo "warning: could not install ${need_apt[*]}; tests that need them will say so"
fi
# Headless Chromium renders the eval's HTML report (sre-eval view) in its browser test. Installed on
# its own, so a failure here leaves kubectl and tmux alone; the browser test skips without it.
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing: chromium"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  $SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || echo "warning: could not install chromium; the HTML report's browser test will skip"
fi
command -v kubectl >/dev/null 2>&1 && echo "kubectl: $(kubectl version --client 2>/dev/null | head -1)"
command -v tmux >/dev/null 2>&1 && echo "tmux: $(tmux -V)"
command -v chromium >/dev/null 2>&1 && echo "chromium: $(chromium --version 2>/dev/null | head -1)"
exit 0
