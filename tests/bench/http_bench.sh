#!/usr/bin/env bash
# HTTP API benchmark, against nginx serving the same files in the same run.
#  1. Thumbnails: wrk, C connections for D seconds, authenticated
#     GET /api/v1/photos/{id}/thumbnail?size=small over N photos, vs nginx
#     serving the same .small.jpg files from the blob store (no auth).
#     Also cpp-httplib alone (tests/bench/httplib_ceiling.cc) serving the
#     same files from memory: the ceiling of the HTTP library we build on.
#     And the two ways of letting nginx send the bytes, same paths:
#      - the front: nginx with the shipped deploy/nginx/octopus-photos.conf
#        (plain HTTP here, like the reference, and without its per-address
#        rate limits, which one wrk address would hit), before a second
#        octopus on the same home with OCTOPUS_TRUSTED_PROXIES and
#        OCTOPUS_ACCEL_REDIRECT: octopus checks each request, nginx sends
#        the file (X-Accel-Redirect);
#      - signed URLs: nginx checks a short-lived secure_link signature on
#        its own and sends the file, without asking octopus.
#  2. Uploads: M photos POSTed one by one with curl, vs `cp` of the same
#     files to a folder on the same disk (both end with the bytes on disk).
# Prints requests/s, p99 and MB/s, and the ratios.
# Usage: tests/bench/http_bench.sh [N=1000] [D=20] [C=64] [M=100]
# Needs wrk, nginx-light, curl and openssl (installed here if missing; run as root).
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
front_pid=""
ceiling_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$front_pid" ] && kill "$front_pid" 2>/dev/null && wait "$front_pid" 2>/dev/null
  [ -n "$ceiling_pid" ] && kill "$ceiling_pid" 2>/dev/null && wait "$ceiling_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  [ -f "$work/front/nginx.pid" ] && kill "$(cat "$work/front/nginx.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

octo="$BUILD_DIR/tools/octopus --home $work/home"
echo "a long enough password" | $octo user add bench --quota 1T --password-stdin >/dev/null
# Phone-sized photos: what the thumbnail of a grid is made from.
"$BUILD_DIR/tests/bench/make_jpegs" "$work/photos" "$N" 1600 1200
$octo import --user bench "$work/photos" >/dev/null

# wrk's C connections all come from one address: above the per-address cap
# (32) the server would answer 503.
OCTOPUS_MAX_CONNECTIONS_PER_ADDRESS=10000 $octo serve --no-mount --port 0 >"$work/serve.out" 2>&1 &
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
# Signed thumbnail URLs for the secure_link alternative: md5 of expiry, path
# and a secret, base64url, valid 10 minutes.
secret=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
python3 - "$work/nginx.paths" "$secret" >"$work/signed.paths" <<'PY'
import base64, hashlib, sys, time
expires = int(time.time()) + 600
for path in open(sys.argv[1]).read().split():
    uri = "/signed" + path
    digest = hashlib.md5(f"{expires}{uri} {sys.argv[2]}".encode()).digest()
    md5 = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    print(f"{uri}?md5={md5}&expires={expires}")
PY
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
    location /signed/ {
      secure_link \$arg_md5,\$arg_expires;
      secure_link_md5 "\$secure_link_expires\$uri $secret";
      if (\$secure_link = "") { return 403; }
      if (\$secure_link = "0") { return 410; }
      alias $storage/;
    }
  }
}
CONF
nginx -c "$work/nginx.conf" -g 'user root;'
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$nginx_port$(head -1 "$work/nginx.paths")" && break; sleep 0.1; done

# The front: the shipped site file, its EDIT lines pointed here, TLS off
# and rate limits out; a second octopus that trusts it.
front_port=$(free_port)
octo_front_port=$(free_port)
mkdir -p "$work/front"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=localhost -keyout "$work/front/key.pem" -out "$work/front/cert.pem" 2>/dev/null
awk -v port="$front_port" -v redirect="$(free_port)" -v octo="$octo_front_port" \
    -v store="$storage/" -v dir="$work/front" '
  /limit_req |limit_conn / { next }
  /# EDIT/ {
    match($0, /^ */); ind = substr($0, 1, RLENGTH)
    if ($1 == "server") { print ind "server 127.0.0.1:" octo ";"; next }
    if ($1 == "listen" && $0 ~ /\[::\]/) next
    if ($1 == "listen" && $0 ~ / ssl/) { print ind "listen 127.0.0.1:" port ";"; next }
    if ($1 == "listen") { print ind "listen 127.0.0.1:" redirect ";"; next }
    if ($1 == "ssl_certificate") { print ind "ssl_certificate " dir "/cert.pem;"; next }
    if ($1 == "ssl_certificate_key") { print ind "ssl_certificate_key " dir "/key.pem;"; next }
    if ($1 == "access_log") { print ind "access_log off;"; next }
    if ($1 == "error_log") { print ind "error_log " dir "/site-error.log;"; next }
    if ($1 == "alias") { print ind "alias " store ";"; next }
  }
  { print }' deploy/nginx/octopus-photos.conf >"$work/front/site.conf"
cat >"$work/front/nginx.conf" <<CONF
worker_processes auto;
pid $work/front/nginx.pid;
error_log $work/front/error.log;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  client_body_temp_path $work/front/body;
  proxy_temp_path $work/front/proxy;
  include $work/front/site.conf;
}
CONF
nginx -c "$work/front/nginx.conf" -g 'user root;'
OCTOPUS_TRUSTED_PROXIES=127.0.0.1 OCTOPUS_ACCEL_REDIRECT=/_octopus_blobs/ \
  $octo serve --no-mount --port "$octo_front_port" >"$work/serve-front.out" 2>&1 &
front_pid=$!
for _ in $(seq 100); do grep -q 'API at' "$work/serve-front.out" && break; sleep 0.1; done
front="http://127.0.0.1:$front_port"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$front$(head -1 "$work/api.paths")")
[ "$code" = 200 ] || { echo "front: HTTP $code"; cat "$work/front/error.log" "$work/front/site-error.log" "$work/serve-front.out"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$nginx_port$(head -1 "$work/signed.paths")")
[ "$code" = 200 ] || { echo "signed URL: HTTP $code"; exit 1; }

"$BUILD_DIR/tests/bench/httplib_ceiling" "$storage" "$work/nginx.paths" >"$work/ceiling.port" &
ceiling_pid=$!
for _ in $(seq 100); do [ -s "$work/ceiling.port" ] && break; sleep 0.1; done
ceiling="http://127.0.0.1:$(cat "$work/ceiling.port")"

lua="$PWD/tests/bench/http_bench.lua"
# A short warm-up of each (page cache, connections), then the measured runs.
PATHS="$work/api.paths" TOKEN="$token" wrk -c"$C" -t2 -d3s -s "$lua" "$api" >/dev/null
PATHS="$work/nginx.paths" wrk -c"$C" -t2 -d3s -s "$lua" "http://127.0.0.1:$nginx_port" >/dev/null
PATHS="$work/nginx.paths" wrk -c"$C" -t2 -d3s -s "$lua" "$ceiling" >/dev/null
PATHS="$work/api.paths" TOKEN="$token" wrk -c"$C" -t2 -d3s -s "$lua" "$front" >/dev/null
PATHS="$work/signed.paths" wrk -c"$C" -t2 -d3s -s "$lua" "http://127.0.0.1:$nginx_port" >/dev/null
octo_line=$(PATHS="$work/api.paths" TOKEN="$token" wrk -c"$C" -t2 -d"${D}s" -s "$lua" "$api" | grep '^requests/s')
nginx_line=$(PATHS="$work/nginx.paths" wrk -c"$C" -t2 -d"${D}s" -s "$lua" "http://127.0.0.1:$nginx_port" | grep '^requests/s')
ceiling_line=$(PATHS="$work/nginx.paths" wrk -c"$C" -t2 -d"${D}s" -s "$lua" "$ceiling" | grep '^requests/s')
front_line=$(PATHS="$work/api.paths" TOKEN="$token" wrk -c"$C" -t2 -d"${D}s" -s "$lua" "$front" | grep '^requests/s')
signed_line=$(PATHS="$work/signed.paths" wrk -c"$C" -t2 -d"${D}s" -s "$lua" "http://127.0.0.1:$nginx_port" | grep '^requests/s')
kill "$ceiling_pid"
wait "$ceiling_pid" 2>/dev/null || true
ceiling_pid=""
for line in "$octo_line" "$nginx_line" "$ceiling_line" "$front_line" "$signed_line"; do
  case "$line" in *"non2xx 0 errors 0"*) ;; *) echo "warning: failed requests: $line" >&2 ;; esac
done
echo "octopus thumbnails: $octo_line"
echo "nginx   thumbnails: $nginx_line"
echo "httplib ceiling:    $ceiling_line"
echo "nginx + octopus (X-Accel-Redirect): $front_line"
echo "nginx secure_link (no octopus):     $signed_line"
awk -v a="$octo_line" -v b="$nginx_line" -v c="$ceiling_line" -v f="$front_line" -v g="$signed_line" 'BEGIN {
  split(a, x, " "); split(b, y, " "); split(c, z, " "); split(f, u, " "); split(g, v, " ");
  printf "ratio octopus/nginx requests/s: %.2f (target >= 0.7)\n", x[2] / y[2]
  printf "ratio httplib ceiling/nginx: %.2f (the most any handler on cpp-httplib can reach)\n", z[2] / y[2]
  printf "ratio octopus/httplib ceiling: %.2f\n", x[2] / z[2]
  printf "ratio nginx+octopus (X-Accel-Redirect)/nginx: %.2f (target >= 0.8)\n", u[2] / y[2]
  printf "ratio nginx secure_link/nginx: %.2f\n", v[2] / y[2] }'

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
