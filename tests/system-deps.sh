#!/usr/bin/env bash
# What the tests need beyond pip: real servers and independent parsers.
#   rapper (Debian raptor2-utils): parses our Turtle and N-Triples independently.
#   virtuoso-t (Debian virtuoso-opensource): a real triple store; the tests start
#     their own instance on 127.0.0.1 with a temporary database and stop it.
#   jsonld.js (npm jsonld, pinned in tests/js/package-lock.json): expands our JSON-LD.
# The Oxigraph server comes from PyPI (the `oxigraph` package in the [test] extra).
# Debian/Ubuntu; runs apt-get through sudo when not root.
set -euo pipefail
cd "$(dirname "$0")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v rapper >/dev/null || ! command -v virtuoso-t >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends raptor2-utils virtuoso-opensource >/dev/null
fi
if [ -f js/package.json ]; then
  npm ci --prefix js --silent --no-audit --no-fund
fi
