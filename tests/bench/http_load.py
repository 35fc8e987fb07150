#!/usr/bin/env python3
"""HTTP client for tests/bench/postgres_bench.sh: keep-alive connections,
so the figures are the server's and not a client process per request.

  http_load.py upload TOKEN DIR LIST C URL [URL...]
      POSTs each file named in LIST (one a line, under DIR) to
      URL/api/v1/photos as multipart `file`, C connections at once, the
      files dealt round-robin to the URLs. A 503 (`busy`: on PostgreSQL, a
      transaction that lost its conflicts five times) is sent again after
      a random 0-100 ms, as a client should, and counted. Prints "SECONDS
      COUNT RETRIES"; fails on any other answer but 201.
  http_load.py latency TOKEN URL K PATH [PATH...]
      One connection; K requests, the PATHs in turn, after one warm-up
      round. Prints "MEDIAN_MS P95_MS" of the wall time per request, body
      read.
"""
import http.client
import os
import random
import sys
import threading
import time
import urllib.parse


def connect(url):
    u = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=120)


def upload(token, folder, listing, concurrency, urls):
    names = [line.strip() for line in open(listing) if line.strip()]
    jobs = [(name, urls[i % len(urls)]) for i, name in enumerate(names)]
    lock = threading.Lock()
    errors = []
    retries = [0]

    def worker(mine):
        conns = {}
        for name, url in mine:
            conn = conns.get(url) or conns.setdefault(url, connect(url))
            data = open(os.path.join(folder, name), "rb").read()
            boundary = "octopusbench" + os.urandom(8).hex()
            body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                    f"filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n").encode() + data + \
                   f"\r\n--{boundary}--\r\n".encode()
            while True:
                conn.request("POST", "/api/v1/photos", body, {
                    "Authorization": "Bearer " + token,
                    "Content-Type": "multipart/form-data; boundary=" + boundary})
                r = conn.getresponse()
                answer = r.read()
                if r.status != 503:
                    break
                with lock:
                    retries[0] += 1
                time.sleep(random.random() / 10)
            if r.status != 201:
                with lock:
                    errors.append(f"{name}: HTTP {r.status} {answer[:200]!r}")
                return

    shares = [jobs[i::concurrency] for i in range(concurrency)]
    threads = [threading.Thread(target=worker, args=(s,)) for s in shares]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    if errors:
        sys.exit("upload failed: " + "; ".join(errors[:5]))
    print(f"{elapsed:.3f} {len(jobs)} {retries[0]}")


def latency(token, url, k, paths):
    conn = connect(url)
    headers = {"Authorization": "Bearer " + token}

    def get(path):
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            sys.exit(f"GET {path}: HTTP {r.status}")

    for path in paths:
        get(path)
    times = []
    for i in range(k):
        t0 = time.perf_counter()
        get(paths[i % len(paths)])
        times.append(time.perf_counter() - t0)
    times.sort()
    median = times[(len(times) - 1) // 2]
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"{median * 1e3:.3f} {p95 * 1e3:.3f}")


if __name__ == "__main__":
    if sys.argv[1] == "upload":
        upload(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6:])
    elif sys.argv[1] == "latency":
        latency(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:])
    else:
        sys.exit(__doc__)
