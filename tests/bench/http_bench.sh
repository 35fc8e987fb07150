#!/usr/bin/env bash
# HTTP API benchmark, against nginx serving the same files in the same run.
#  1. Thumbnails: wrk, C connections for D seconds, authenticated
#     GET /api/v1/photos/{id}/thumbnail?size=small over N photos, vs nginx
#     serving the same .small.jpg files from the blob store (no auth).
#     Also cpp-httplib alone (tests/bench/httplib_ceiling.cc) serving the
#     same files from memory: the ceiling of the HTTP library we build on.
#  2. Uploads: M photos POSTed one by one with curl, vs `cp` of the same
#     files to a folder on the same disk (both end with the bytes on disk).
# Prints requests/s, p99 and MB/s, and the ratios.
# Usage: tests/bench/http_bench.sh [N=1000] [D=20] [C=64] [M=100]
# Needs wrk, nginx-light and curl (installed here if missing; run as root).
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-1000}"
D="${2:-20}"
C="${3:-64}"
M="${4:-100}"
BUILD_DIR="${BUILD_DIR:-build}"
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || apt-get install -y wrk nginx-light curl >/dev/null
done
[ -x "$BUILD_DIR/tests/bench/make_jpegs" ] && [ -x "$BUILD_DIR/tests/bench/httplib_ceiling" ] ||
  tools/build.sh >/dev/null
work="$(mktemp -d)"
server_pid=""
ceiling_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$ceiling_pid" ] && kill "$ceiling_pid" 2>/dev/null && wait "$ceiling_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

octo="$BUILD_DIR/tools/octopus --home $work/home"
echo "a long enough password" | $octo user add bench --quota 1T --password-stdin >/dev/null
# Phone-sized photos: what the thumbnail of a grid is made from.
"$BUILD_DIR/tests/bench/make_jpegs" "$work/photos" "$N" 1600 1200
$octo import --user bench "$work/photos" >/dev/null

$octo serve --no-mount --port 0 >"$work/serve.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q 'API at' "$work/serve.out" && break; sleep 0.1; done
api=$(sed -n 's/.*API at \(http[^ ]*\)\/api\/v1.*/\1/p' "$work/serve.out")
[ -n "$api" ] || { cat "$work/serve.out"; exit 1; }
token=$(curl -sf -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"a long enough password"}' "$api/api/v1/auth/login" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
# Every photo id, following the cursor.
cursor=""
: >"$work/api.paths"
while :; do
  page=$(curl -sf -H "Authorization: Bearer $token" "$api/api/v1/photos?limit=500${cursor:+&cursor=$cursor}")
  echo "$page" | python3 -c 'import json,sys
for p in json.load(sys.stdin)["photos"]: print("/api/v1/photos/%s/thumbnail?size=small" % p["id"])' >>"$work/api.paths"
  cursor=$(echo "$page" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"] or "")')
  [ -n "$cursor" ] || break
done
storage="$work/home/data/storage"
(cd "$storage" && find . -name '*.small.jpg' | sed 's|^\.||') >"$work/nginx.paths"
echo "photos: $(wc -l <"$work/api.paths") via the API, $(wc -l <"$work/nginx.paths") thumbnail files; $(nproc) cores; wrk -c$C -t2 -d${D}s"

nginx_port=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  types { image/jpeg jpg; }
  server {
    listen 127.0.0.1:$nginx_port;
    root $storage;
    add_header Cache-Control "max-age=31536000, immutable";
  }
}
CONF
nginx -c "$work/nginx.conf" -g 'user root;'
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$nginx_port$(head -1 "$work/nginx.paths")" && break; sleep 0.1; done

"$BUILD_DIR/tests/bench/httplib_ceiling" "$storage" "$work/nginx.paths" >"$work/ceiling.port" &
ceiling_pid=$!
for _ in $(seq 100); do [ -s "$work/ceiling.port" ] && break; sleep 0.1; done
ceiling="http://127.0.0.1:$(cat "$work/ceiling.port")"

lua="$PWD/tests/bench/http_bench.lua"
# A short warm-up of each (page cache, connections), then the measured runs.
PATHS="$work/api.paths" TOKEN="$token" wrk -c"$C" -t2 -d3s -s "$lua" "$api" >/dev/null
PATHS="$work/nginx.paths" wrk -c"$C" -t2 -d3s -s "$lua" "http://127.0.0.1:$nginx_port" >/dev/null
PATHS="$work/nginx.paths" wrk -c"$C" -t2 -d3s -s "$lua" "$ceiling" >/dev/null
octo_line=$(PATHS="$work/api.paths" TOKEN="$token" wrk -c"$C" -t2 -d"${D}s" -s "$lua" "$api" | grep '^requests/s')
nginx_line=$(PATHS="$work/nginx.paths" wrk -c"$C" -t2 -d"${D}s" -s "$lua" "http://127.0.0.1:$nginx_port" | grep '^requests/s')
ceiling_line=$(PATHS="$work/nginx.paths" wrk -c"$C" -t2 -d"${D}s" -s "$lua" "$ceiling" | grep '^requests/s')
kill "$ceiling_pid"
wait "$ceiling_pid" 2>/dev/null || true
ceiling_pid=""
echo "octopus thumbnails: $octo_line"
echo "nginx   thumbnails: $nginx_line"
echo "httplib ceiling:    $ceiling_line"
awk -v a="$octo_line" -v b="$nginx_line" -v c="$ceiling_line" 'BEGIN {
  split(a, x, " "); split(b, y, " "); split(c, z, " ");
  printf "ratio octopus/nginx requests/s: %.2f (target >= 0.7)\n", x[2] / y[2]
  printf "ratio httplib ceiling/nginx: %.2f (the most any handler on cpp-httplib can reach)\n", z[2] / y[2]
  printf "ratio octopus/httplib ceiling: %.2f\n", x[2] / z[2] }'

# Uploads: M new photos, one request each, vs cp of the same files.
"$BUILD_DIR/tests/bench/make_jpegs" "$work/up" "$((N + M))" 1600 1200 >/dev/null
ls "$work/up" | tail -n "$M" >"$work/up.list"
bytes=$(cd "$work/up" && cat $(cat "$work/up.list") | wc -c)
sync
t0=$(date +%s.%N)
while read -r f; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    -F "file=@$work/up/$f;type=image/jpeg" "$api/api/v1/photos")
  [ "$code" = 201 ] || { echo "upload of $f: HTTP $code" >&2; exit 1; }
done <"$work/up.list"
t1=$(date +%s.%N)
mkdir -p "$work/cp"
t2=$(date +%s.%N)
while read -r f; do cp "$work/up/$f" "$work/cp/$f"; done <"$work/up.list"
sync
t3=$(date +%s.%N)
awk -v n="$M" -v bytes="$bytes" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
  u = bytes / 1e6 / (b - a); k = bytes / 1e6 / (d - c);
  printf "uploads: %d photos, %.1f MB: octopus %.1f MB/s (%.1f photos/s, with EXIF and thumbnails), cp+sync %.1f MB/s\n", n, bytes / 1e6, u, n / (b - a), k
  printf "ratio octopus upload/cp: %.2f\n", u / k }'
