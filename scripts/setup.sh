#!/usr/bin/env bash
# Installs what SmartView needs on this machine, only where missing:
#   system packages (Debian): ffmpeg; with --test also chromium (browser tests) and GStreamer's
#   RTSP server with python3-gi (the RTSP test server of the recorder tests)
#   npm packages (npm ci) when node_modules is missing or older than package-lock.json
#   the web app build (dist/web) when missing or older than its sources
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
if [ "$want_test" = 1 ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # The RTSP test server (test/support/rtsp-server.py): gst-rtsp-server through the system python3's gi.
  # fonts-dejavu-extra: DejaVu Sans Condensed Bold, the font of the synthetic Hong Kong plates (src/plates/synth).
  for pkg in python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav fonts-dejavu-extra; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
  done
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need[*]}" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
      echo "setup: please install these Debian packages as root: ${need[*]}" >&2; exit 1
    fi
  fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)" >&2
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error >&2
fi

if [ ! -f dist/web/index.html ] || [ -n "$(find web -type f -newer dist/web/index.html 2>/dev/null | head -n 1)" ]; then
  echo "setup: building the web app" >&2
  npx --no-install vite build --config web/vite.config.ts --logLevel warn >&2
fi
