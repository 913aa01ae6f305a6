#!/usr/bin/env bash
# What the tests need beyond pip: real servers and independent parsers.
#   rapper (Debian raptor2-utils): parses our Turtle and N-Triples independently.
#   virtuoso-t (Debian virtuoso-opensource): a real triple store; the tests start
#     their own instance on 127.0.0.1 with a temporary database and stop it.
#   jsonld.js (npm jsonld, pinned in tests/js/package-lock.json): expands our JSON-LD.
#   nginx (Debian nginx-light + libnginx-mod-http-js, the njs module) and apache2 (with
#     mod_lua): serve kg publish's site with the configuration it generates; the tests
#     start them on 127.0.0.1 with their own pid, log and temp paths.
#   chromium + chromium-driver (Debian): the headless browser the site tests drive
#     with Selenium (from PyPI, in the [test] extra).
# The Oxigraph server comes from PyPI (the `oxigraph` package in the [test] extra).
# Debian/Ubuntu; runs apt-get through sudo when not root.
set -euo pipefail
cd "$(dirname "$0")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PACKAGES="raptor2-utils virtuoso-opensource nginx-light libnginx-mod-http-js apache2 chromium chromium-driver"
if ! command -v rapper >/dev/null || ! command -v virtuoso-t >/dev/null || [ ! -x /usr/sbin/nginx ] \
   || [ ! -f /usr/lib/nginx/modules/ngx_http_js_module.so ] || [ ! -x /usr/sbin/apache2 ] \
   || ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # policy-rc.d 101: the packages' scripts must not start system nginx/apache services
  # (the tests start their own; a system one would hold port 80).
  POLICY=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    POLICY=/usr/sbin/policy-rc.d
  fi
  $SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
  [ -z "$POLICY" ] || $SUDO rm -f "$POLICY"
fi
if [ -f js/package.json ]; then
  npm ci --prefix js --silent --no-audit --no-fund
fi
