"""Does /healthz keep answering while many PDFs convert? (issue 15, review rv15c finding 1)

Against a running server as deployed (`DB_NAME=… PORT=8123 ./deploy/up`: gunicorn with deploy/gunicorn.conf.py):
    .venv/bin/python bench/documents_load.py --url http://127.0.0.1:8123 [--count 15] [--keep-cache]

Signs in as huyen.yen-phong (demo password), empties the documents cache (public.sedp_document_cache of DB_NAME, so
every download is uncached; --keep-cache to skip), then fires `--count` parallel `GET /d/yen-phong/api/plans/<id>/
document.pdf` (ids 1…count) while another thread polls /healthz every 0.5 s until the last download has answered.
Prints each download's status and seconds, how many answered 200 / 503 (with Retry-After), and the /healthz latencies
(count, median, max, how many were not 200). Standard library only, besides psycopg for emptying the cache.
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the running server, e.g. http://127.0.0.1:8123")
    parser.add_argument("--count", type=int, default=15, help="parallel PDF downloads (plan ids 1…count)")
    parser.add_argument("--user", default="huyen.yen-phong")
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", "demo-2026"))
    parser.add_argument("--keep-cache", action="store_true", help="do not empty the documents cache first")
    args = parser.parse_args()

    status, _, body = request(args.url + "/api/auth/token/", method="POST", data={"username": args.user, "password": args.password})
    assert status == 200, (status, body[:200])
    auth = {"Authorization": f"Token {json.loads(body)['token']}"}
    if not args.keep_cache:
        print(f"documents cache emptied: {empty_document_cache()} entries")

    downloads = {}
    done = threading.Event()

    def download(plan_id):
        started = time.perf_counter()
        status, headers, body = request(f"{args.url}/d/yen-phong/api/plans/{plan_id}/document.pdf", headers=auth)
        downloads[plan_id] = (status, time.perf_counter() - started, headers.get("Retry-After"), body[:4] == b"%PDF")

    health = []

    def poll():
        while not done.is_set():
            started = time.perf_counter()
            status, _, _ = request(args.url + "/healthz", timeout=120)
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

    for plan_id in sorted(downloads):
        status, seconds, retry_after, is_pdf = downloads[plan_id]
        extra = f" Retry-After: {retry_after}" if retry_after else (" (PDF)" if is_pdf else "")
        print(f"plan {plan_id:>3}: {status} in {seconds:5.1f} s{extra}")
    codes = [status for status, *_ in downloads.values()]
    ok_times = [seconds for status, seconds, *_ in downloads.values() if status == 200]
    cache = "cache kept" if args.keep_cache else "uncached"
    print(f"{args.count} parallel PDF downloads ({cache}) in {wall:.1f} s: {codes.count(200)} × 200, {codes.count(503)} × 503, "
          f"{len(codes) - codes.count(200) - codes.count(503)} other; slowest 200 {max(ok_times, default=0):.1f} s")
    latencies = [seconds for _, seconds in health]
    print(f"/healthz polled {len(health)} times every 0.5 s: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms, not 200: {sum(1 for status, _ in health if status != 200)}")


if __name__ == "__main__":
    main()
