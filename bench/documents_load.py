"""Does /healthz keep answering while many PDFs convert? (issue 15, review rv15c finding 1)

Against a running server as deployed (`DB_NAME=… PORT=8123 ./deploy/up`: gunicorn with deploy/gunicorn.conf.py):
    .venv/bin/python bench/documents_load.py --url http://127.0.0.1:8123 [--count 15] [--keep-cache]

Signs in as huyen.yen-phong (demo password), empties the documents cache (public.sedp_document_cache of DB_NAME, so
every download is uncached; --keep-cache to skip), then fires `--count` parallel `GET /d/yen-phong/api/plans/<id>/
document.pdf` (ids 1…count) while another thread polls /healthz every 0.5 s until the last download has answered.
Prints each download's status and seconds, how many answered 200 / 503 (with Retry-After), and the /healthz latencies
(count, median, max, how many were not 200). Standard library only, besides psycopg for emptying the cache.

One document many times (review rv15e, finding A: the waiting places, DOCUMENT_WAITERS): `--document PATH` requests
that one address `--count` times at once instead (e.g. `--document /d/yen-phong/api/public/plans/3/document.pdf
--anonymous`, without signing in, as a citizen). Several servers side by side (e.g. one started with
DOCUMENT_WAITERS=1): `--url` once per server and `--rounds N`; the rounds alternate between the servers, each round
on an emptied cache, and the last lines compare the servers (median and max of /healthz, statuses, seconds per
download), with the load average before and after.
"""
import argparse
import json
import os
import statistics
import threading
import time
import urllib.error
import urllib.request


def request(url, *, method="GET", data=None, headers=None, timeout=120):
    """(status, headers, body) of one HTTP request, error answers included."""
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def empty_document_cache():
    import psycopg

    with psycopg.connect(dbname=os.environ.get("DB_NAME", "sedp"), user=os.environ.get("DB_USER", "sedp"),
                         password=os.environ.get("DB_PASSWORD", "sedp"), host=os.environ.get("DB_HOST", "127.0.0.1"),
                         port=os.environ.get("DB_PORT", "5432"), autocommit=True) as conn:
        return conn.execute("DELETE FROM public.sedp_document_cache").rowcount


def run(url, args, auth):
    """One round against `url`: {"codes": [...], "ok_times": [...], "health": [(status, seconds)], "wall": s}."""
    if not args.keep_cache:
        print(f"documents cache emptied: {empty_document_cache()} entries")
    downloads = {}
    done = threading.Event()

    def address(number):
        return url + args.document if args.document else f"{url}/d/yen-phong/api/plans/{number}/document.pdf"

    def download(number):
        started = time.perf_counter()
        status, headers, body = request(address(number), headers=auth)
        downloads[number] = (status, time.perf_counter() - started, headers.get("Retry-After"), body[:4] == b"%PDF")

    health = []

    def poll():
        while not done.is_set():
            started = time.perf_counter()
            status, _, _ = request(url + "/healthz", timeout=120)
            health.append((status, time.perf_counter() - started))
            done.wait(0.5)

    poller = threading.Thread(target=poll)
    workers = [threading.Thread(target=download, args=(i,)) for i in range(1, args.count + 1)]
    started = time.perf_counter()
    poller.start()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    done.set()
    poller.join()

    what = "request" if args.document else "plan"
    for number in sorted(downloads):
        status, seconds, retry_after, is_pdf = downloads[number]
        extra = f" Retry-After: {retry_after}" if retry_after else (" (PDF)" if is_pdf else "")
        print(f"{what} {number:>3}: {status} in {seconds:5.1f} s{extra}")
    codes = [status for status, *_ in downloads.values()]
    ok_times = [seconds for status, seconds, *_ in downloads.values() if status == 200]
    cache = "cache kept" if args.keep_cache else "uncached"
    print(f"{url}: {args.count} parallel PDF downloads ({cache}) in {wall:.1f} s: {statuses(codes)}; "
          f"slowest 200 {max(ok_times, default=0):.1f} s")
    latencies = [seconds for _, seconds in health]
    print(f"/healthz polled {len(health)} times every 0.5 s: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms, not 200: {sum(1 for status, _ in health if status != 200)}")
    return {"codes": codes, "times": [seconds for _, seconds, *_ in downloads.values()], "health": health, "wall": wall}


def statuses(codes):
    """ "38 × 200, 2 × 503, 0 × 429, 0 other" of a list of HTTP statuses."""
    known = (200, 503, 429)
    return ", ".join(f"{codes.count(code)} × {code}" for code in known) + f", {sum(1 for c in codes if c not in known)} other"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, action="append", help="a running server, e.g. http://127.0.0.1:8123 (repeat to compare)")
    parser.add_argument("--count", type=int, default=15, help="parallel PDF downloads (plan ids 1…count, or --document count times)")
    parser.add_argument("--document", help="one document's path, requested --count times at once (e.g. a public plan's PDF)")
    parser.add_argument("--anonymous", action="store_true", help="do not sign in (a citizen's download)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds per server, alternating between the servers")
    parser.add_argument("--user", default="huyen.yen-phong")
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", "demo-2026"))
    parser.add_argument("--keep-cache", action="store_true", help="do not empty the documents cache first")
    args = parser.parse_args()

    auth = {}
    if not args.anonymous:
        status, _, body = request(args.url[0] + "/api/auth/token/", method="POST", data={"username": args.user, "password": args.password})
        assert status == 200, (status, body[:200])
        auth = {"Authorization": f"Token {json.loads(body)['token']}"}

    results = {url: [] for url in args.url}
    print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    for round_number in range(1, args.rounds + 1):
        for url in args.url:
            print(f"--- round {round_number}, {url}")
            results[url].append(run(url, args, auth))
    print(f"load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    if len(args.url) > 1 or args.rounds > 1:
        print("--- side by side (all rounds of each server)")
        for url, rounds in results.items():
            latencies = [seconds for r in rounds for _, seconds in r["health"]]
            times = [seconds for r in rounds for seconds in r["times"]]
            codes = [code for r in rounds for code in r["codes"]]
            print(f"{url}: /healthz median {statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms "
                  f"({len(latencies)} polls, not 200: {sum(1 for r in rounds for status, _ in r['health'] if status != 200)}); "
                  f"{statuses(codes)}; seconds per download median {statistics.median(times):.1f}, max {max(times):.1f}")


if __name__ == "__main__":
    main()
