"""Province reads per second on the streaming replica against the primary (side by side, one run), and the replica's
replay lag while 4 threads write proposals.

Needs the replica of deploy/common.sh (`REPLICA=1 ./deploy/up` or `./deploy/test` starts it, port 5433):
    .venv/bin/python bench/replica_reads.py [--seconds 5] [--threads 2]

Reads: each round runs the province's comparison-page reads (the commune distribution layer as GeoJSON, the plan
compliance of every commune, the equity figures) in `--threads` threads for `--seconds`, on the primary, then on the
replica, alternating twice; the figure is reads per second. Writes: 4 threads create proposals in 4 districts for
`--seconds` × 2 while the lag is sampled every 0.2 s on the replica (geo.replica.LAG_SQL against the primary's flush position) and on the primary
(pg_stat_replication.replay_lag and the bytes not yet replayed).
"""
import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DB_REPLICA_HOST", "127.0.0.1")
os.environ.setdefault("DB_REPLICA_PORT", os.environ.get("REPLICA_PORT", "5433"))
os.environ["DB_REPLICA_NAME"] = os.environ.get("BENCH_DB_NAME", "sedp_bench_replica")
from _setup import django_on_scratch_database  # noqa: E402


def province_reads():
    from province import selectors

    selectors.investment_distribution_text(level="commune", year=None, sector="", source="", measure="total_investment", province="", bbox=None)
    selectors.plan_compliance(plan_year=2027)
    selectors.investment_equity(year=None, sector="", source="")


def reads_per_second(alias, seconds, threads):
    from django.db import connections

    from geo import replica

    done = []

    def work():
        token = replica._current.set(replica.ReplicaRead(alias=alias, lag=0.0))
        count, end = 0, time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                province_reads()
                count += 1
        finally:
            replica._current.reset(token)
            connections.close_all()
        done.append(count)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(done) / (time.monotonic() - started)


def lag_under_writes(seconds):
    from django.contrib.auth import get_user_model
    from django.db import connection, connections

    from geo import replica
    from geo.guard import parse_geometry
    from geo.models import AdministrativeUnit
    from proposals.models import Proposal
    from tenants.models import District

    user, _ = get_user_model().objects.get_or_create(username="bench.replica")
    districts = list(District.objects.exclude(schema_name="public").select_related("unit")[:4])
    stop, written, samples = threading.Event(), [], []

    def write(district):
        connection.set_tenant(district)
        commune = AdministrativeUnit.objects.filter(parent=district.unit, level="commune").first()
        point = commune.geom.point_on_surface
        geom = parse_geometry({"type": "Point", "coordinates": [point.x, point.y]})
        count = 0
        while not stop.is_set():
            Proposal.objects.create(commune=commune, source_kind="village", plan_year=2027, title="Đề xuất thử tải bản sao",
                                    sector="transport", estimated_cost=500_000_000, geom=geom, created_by=user, status="accepted")
            count += 1
        connections.close_all()
        written.append(count)

    writers = [threading.Thread(target=write, args=(d,)) for d in districts]
    started = time.monotonic()
    for w in writers:
        w.start()
    with connections["default"].cursor() as primary:
        while time.monotonic() - started < seconds:
            primary.execute(replica.PRIMARY_LSN_SQL)
            primary_lsn = primary.fetchone()[0]
            with connections[replica.REPLICA].cursor() as cursor:
                cursor.execute(replica.LAG_SQL, [primary_lsn])
                seen = cursor.fetchone()[0]
            primary.execute("SELECT extract(epoch FROM replay_lag)::float8, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)"
                            " FROM pg_stat_replication ORDER BY replay_lsn LIMIT 1")
            row = primary.fetchone() or (None, None)
            samples.append((seen or 0.0, row[0] or 0.0, row[1] or 0))
            time.sleep(0.2)
    stop.set()
    for w in writers:
        w.join()
    elapsed = time.monotonic() - started
    for district in districts:
        connection.set_tenant(district)
        Proposal.objects.filter(created_by=user).delete()
    connection.set_schema_to_public()
    return sum(written) / elapsed, samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    django_on_scratch_database("sedp_bench_replica")
    from geo import replica

    print(f"replica lag before: {replica.measure_lag()} s")
    province_reads()  # warm both caches once
    figures = {"default": [], "replica": []}
    for _ in range(2):
        for alias in ("default", "replica"):
            figures[alias].append(reads_per_second(alias, args.seconds, args.threads))
    print(f"province reads ({args.threads} threads, {args.seconds:g} s rounds, comparison-page reads: distribution + compliance + equity)")
    for alias, name in (("default", "primary"), ("replica", "replica")):
        print(f"  {name:8s} {statistics.mean(figures[alias]):7.1f} reads/s   rounds: {', '.join(f'{v:.1f}' for v in figures[alias])}")
    print(f"  replica / primary: {statistics.mean(figures['replica']) / statistics.mean(figures['default']):.2f}")
    rate, samples = lag_under_writes(args.seconds * 2)
    seen = [s[0] for s in samples]
    reported = [s[1] for s in samples]
    behind = [s[2] for s in samples]
    print(f"replay lag while 4 threads write proposals ({rate:.0f} proposals/s, {len(samples)} samples):")
    print(f"  LAG_SQL on the replica   median {statistics.median(seen):.3f} s, max {max(seen):.3f} s")
    print(f"  pg_stat_replication      replay_lag median {statistics.median(reported):.3f} s, max {max(reported):.3f} s;"
          f" WAL not yet replayed median {statistics.median(behind) / 1024:.0f} KiB, max {max(behind) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
