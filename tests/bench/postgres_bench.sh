#!/usr/bin/env bash
# PostgreSQL against SQLite, in the same run (issue 18).
#
# Starts a throwaway PostgreSQL 15 cluster of its own (initdb into the
# bench's temporary folder as the `postgres` user, Unix socket only,
# fsync ON, as a real server runs: SQLite runs with synchronous=FULL, so
# both flush every commit; PG_FSYNC=off measures without). Then, for
# SQLite and for PostgreSQL, each on a fresh home (and a fresh database):
#  1. ingest: N real JPEGs (make_jpegs, W x H) uploaded through the API
#     (POST /api/v1/photos: EXIF, dedup, quota, thumbnails, the feed), C
#     keep-alive connections at once (tests/bench/http_load.py), a 503
#     sent again and counted: photos/s;
#  2. list pages: GET /api/v1/photos?limit=100, the first page and a deep
#     one (the cursor of the last full page), and the three /browse/
#     endpoints in turn: median and p95 over K requests on one connection;
#  3. thumbnails: GET /photos/{id}/thumbnail?size=small over every photo
#     in turn: median and p95 over K requests;
#  4. two `octopus serve` on one PostgreSQL database and one home
#     (different ports), N more photos dealt between them, C connections in
#     all, against the one PostgreSQL server of (1): throughput ratio.
# Each server prints at shutdown what it spent waiting on its database
# (core/db/wait_stats.h: time inside libpq calls, waits for a pooled
# connection, transaction reruns and their backoff), shown beside its CPU
# time: on a 2-core machine, the cores and not the database should be the
# limit.
# Prints the ratios PostgreSQL/SQLite as speeds (photos/s, or 1/latency):
# target >= 0.8 for ingest and list; two servers >= 1.0x one.
# Usage: tests/bench/postgres_bench.sh [N=2000] [K=200] [C=4] [W=800] [H=600]
# Needs root (runuser to the postgres user), postgresql 15, python3.
# BENCH_PRIORITY=1: as in scale_bench.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -n "${BENCH_PRIORITY:-}" ]; then
  echo -20 >"/proc/$$/autogroup"
  renice -n -20 -p $$ >/dev/null
fi
N="${1:-2000}"
K="${2:-200}"
C="${3:-4}"
W="${4:-800}"
H="${5:-600}"
PG_FSYNC="${PG_FSYNC:-on}"
BUILD_DIR="${BUILD_DIR:-build}"
PG_BIN=/usr/lib/postgresql/15/bin
octopus="$BUILD_DIR/tools/octopus"
make_jpegs="$BUILD_DIR/tests/bench/make_jpegs"
load="$PWD/tests/bench/http_load.py"
[ "$(id -u)" = 0 ] || { echo "needs root (runuser to postgres)" >&2; exit 2; }
[ -x "$PG_BIN/postgres" ] || { echo "needs postgresql 15 (tools/setup.sh)" >&2; exit 2; }
for b in "$octopus" "$make_jpegs"; do
  [ -x "$b" ] || { echo "missing $b: build first (BUILD_TARGETS='octopus make_jpegs' tools/build.sh)" >&2; exit 2; }
done

work="$(mktemp -d)"
chmod 755 "$work"  # the postgres user reaches its cluster under it
pg="$work/pg"
servers=()
stop_servers() {  # SIGINT: each prints its database waits and exits
  for p in "${servers[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  for p in "${servers[@]}"; do wait "$p" 2>/dev/null || true; done
  servers=()
}
cleanup() {
  stop_servers
  if [ -f "$pg/data/postmaster.pid" ]; then
    postmaster=$(head -1 "$pg/data/postmaster.pid")
    kill -INT "$postmaster" 2>/dev/null || true  # fast shutdown
    for _ in $(seq 100); do kill -0 "$postmaster" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
# A signal (or a reader that went away: `| head`) exits through the EXIT trap,
# or the cluster and the servers would outlive the bench.
trap "exit 1" INT TERM HUP PIPE

mkdir "$pg"
chown postgres: "$pg"
runuser -u postgres -- "$PG_BIN/initdb" -D "$pg/data" -U postgres -A trust -E UTF8 --locale=C \
  --no-instructions >"$work/initdb.log"
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 \
  -o "-k $pg -c listen_addresses= -c max_connections=100 -c fsync=$PG_FSYNC" start >/dev/null
psql_c() { runuser -u postgres -- "$PG_BIN/psql" -X -q -h "$pg" -U postgres -d postgres -c "$1"; }
pg_url() { echo "host=$pg port=5432 dbname=$1 user=postgres"; }

"$make_jpegs" "$work/photos" "$((2 * N))" "$W" "$H" >/dev/null
ls "$work/photos" >"$work/all.list"  # not piped to head: pipefail and SIGPIPE
head -n "$N" "$work/all.list" >"$work/first.list"
tail -n "$N" "$work/all.list" >"$work/second.list"
echo "postgres_bench: N=$N photos ${W}x$H ($(du -sh "$work/photos" | cut -f1) for $((2 * N))), K=$K requests, C=$C connections; PostgreSQL fsync=$PG_FSYNC; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

# serve NAME HOME URL: starts a server, sets $api to its address.
serve() {
  OCTOPUS_DATABASE_URL="$3" OCTOPUS_MAX_CONNECTIONS_PER_ADDRESS=1000 \
    "$octopus" --home "$2" serve --no-mount --port 0 >"$work/$1.out" 2>&1 &
  servers+=($!)
  for _ in $(seq 300); do grep -q 'API at' "$work/$1.out" && break; sleep 0.1; done
  api=$(sed -n 's/.*API at \(http[^ ]*\)\/api\/v1.*/\1/p' "$work/$1.out")
  [ -n "$api" ] || { cat "$work/$1.out"; exit 1; }
}
login() {
  curl -sf -H 'Content-Type: application/json' \
    -d '{"username":"bench","password":"a long enough password"}' "$1/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
add_user() {  # HOME URL
  echo "a long enough password" | OCTOPUS_DATABASE_URL="$2" \
    "$octopus" --home "$1" user add bench --quota 1T --password-stdin >/dev/null
}
cpu_seconds() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$1/stat"; }
pg_cpu_seconds() {  # every process of the cluster (backends exit with their connections)
  local total=0
  for p in $(pgrep -u postgres -f "postgres" || true); do
    if [ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$pg/data" ]; then
      total=$(awk -v a="$total" -v t="$(getconf CLK_TCK)" '{ printf "%.1f", a + ($14 + $15 + $16 + $17) / t }' "/proc/$p/stat")
    fi
  done
  echo "$total"
}

# run LABEL URL: a fresh home on that database; ingest, lists, thumbnails.
run() {
  local label="$1" url="$2" home="$work/home-$1" token first deep
  add_user "$home" "$url"
  serve "$label" "$home" "$url"
  token=$(login "$api")
  local pg0 cpu0
  pg0=$(pg_cpu_seconds)
  cpu0=$(cpu_seconds "${servers[0]}")
  read -r secs count retries < <(python3 "$load" upload "$token" "$work/photos" "$work/first.list" "$C" "$api")
  local cpu1 pg1
  cpu1=$(cpu_seconds "${servers[0]}")
  pg1=$(pg_cpu_seconds)
  eval "${label}_ingest=$(awk -v s="$secs" -v n="$count" 'BEGIN { printf "%.2f", n / s }')"
  # Every page of 100 in order: the thumbnails' paths, and the cursor of
  # the last full page (the deepest page of 100).
  first="/api/v1/photos?limit=100"
  deep=$(python3 - "$api" "$token" "$work/$label.thumbs" <<'PY'
import http.client, json, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
conn = http.client.HTTPConnection(u.hostname, u.port)
cursor, deep, ids = None, None, []
while True:
    path = "/api/v1/photos?limit=100" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
    conn.request("GET", path, headers={"Authorization": "Bearer " + sys.argv[2]})
    page = json.loads(conn.getresponse().read())
    ids += [p["id"] for p in page["photos"]]
    if len(page["photos"]) == 100: deep = path
    cursor = page.get("next_cursor")
    if not cursor: break
open(sys.argv[3], "w").write("".join(f"/api/v1/photos/{i}/thumbnail?size=small\n" for i in ids))
print(deep)
PY
)
  read -r m p < <(python3 "$load" latency "$token" "$api" "$K" "$first")
  eval "${label}_first='$m $p'"
  read -r m p < <(python3 "$load" latency "$token" "$api" "$K" "$deep")
  eval "${label}_deep='$m $p'"
  read -r m p < <(python3 "$load" latency "$token" "$api" "$K" /api/v1/browse/dates /api/v1/browse/cameras /api/v1/browse/places)
  eval "${label}_browse='$m $p'"
  # shellcheck disable=SC2046
  read -r m p < <(python3 "$load" latency "$token" "$api" "$K" $(sed -n "1,${K}p" "$work/$label.thumbs"))
  eval "${label}_thumb='$m $p'"
  stop_servers
  printf '%-10s ingest %s photos in %s s, %s uploads retried after a 503: %s photos/s (server CPU %.1f s, PostgreSQL CPU %.1f s); %s\n' \
    "$label" "$count" "$secs" "$retries" "$(eval echo "\$${label}_ingest")" "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')" \
    "$(awk -v a="$pg0" -v b="$pg1" 'BEGIN { print b - a }')" "$(grep 'database waits' "$work/$label.out" | tail -1)"
}

run sqlite "sqlite:"
psql_c "CREATE DATABASE one"
run pg "$(pg_url one)"

# Two servers on one database and one home: a fresh pair, N other photos.
psql_c "CREATE DATABASE two"
home2="$work/home-two"
add_user "$home2" "$(pg_url two)"
serve two-a "$home2" "$(pg_url two)"
api_a="$api"
serve two-b "$home2" "$(pg_url two)"
api_b="$api"
token=$(login "$api_a")
cpu_a0=$(cpu_seconds "${servers[0]}")
cpu_b0=$(cpu_seconds "${servers[1]}")
pg0=$(pg_cpu_seconds)
read -r secs2 count2 retries2 < <(python3 "$load" upload "$token" "$work/photos" "$work/second.list" "$C" "$api_a" "$api_b")
cpu_a1=$(cpu_seconds "${servers[0]}")
cpu_b1=$(cpu_seconds "${servers[1]}")
pg1=$(pg_cpu_seconds)
stop_servers
two_ingest=$(awk -v s="$secs2" -v n="$count2" 'BEGIN { printf "%.2f", n / s }')
printf 'two pg     ingest %s photos in %s s, %s uploads retried after a 503: %s photos/s (server CPU %.1f + %.1f s, PostgreSQL CPU %.1f s)\n' \
  "$count2" "$secs2" "$retries2" "$two_ingest" "$(awk -v a="$cpu_a0" -v b="$cpu_a1" 'BEGIN { print b - a }')" \
  "$(awk -v a="$cpu_b0" -v b="$cpu_b1" 'BEGIN { print b - a }')" "$(awk -v a="$pg0" -v b="$pg1" 'BEGIN { print b - a }')"
echo "  server a: $(grep 'database waits' "$work/two-a.out" | tail -1)"
echo "  server b: $(grep 'database waits' "$work/two-b.out" | tail -1)"

show() {  # NAME
  local s p
  s=$(eval echo "\$sqlite_$1")
  p=$(eval echo "\$pg_$1")
  awk -v n="$1" -v s="$s" -v p="$p" 'BEGIN { split(s, a, " "); split(p, b, " ");
    printf "%-7s latency ms median/p95: SQLite %.2f / %.2f, PostgreSQL %.2f / %.2f; speed ratio PostgreSQL/SQLite (median) %.2f\n",
      n, a[1], a[2], b[1], b[2], a[1] / b[1] }'
}
echo "ingest photos/s: SQLite $sqlite_ingest, PostgreSQL $pg_ingest, two servers on PostgreSQL $two_ingest"
show first
show deep
show browse
show thumb
awk -v s="$sqlite_ingest" -v p="$pg_ingest" -v t="$two_ingest" -v f="$sqlite_first" -v g="$pg_first" \
    -v d="$sqlite_deep" -v e="$pg_deep" 'BEGIN {
  split(f, a, " "); split(g, b, " "); split(d, c, " "); split(e, x, " ");
  printf "ratio PostgreSQL/SQLite ingest: %.2f (target >= 0.8)\n", p / s
  printf "ratio PostgreSQL/SQLite list (first page, deep page; median speed): %.2f, %.2f (target >= 0.8)\n", a[1] / b[1], c[1] / x[1]
  printf "ratio two servers/one server on PostgreSQL, upload throughput: %.2f (target >= 1.0)\n", t / p }'
