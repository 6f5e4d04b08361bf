"""The backup drill on demo districts: district_backup and district_restore of each, timed, with the archive sizes.

Loads Bắc Ninh and the demo server's data (`load_demo --with-investment`) into a scratch database
(BENCH_DB_NAME, default sedp_backup_bench; never the development or test databases, since a restore
replaces a district), then for each district backs it up, restores it (the restore checks every
table's count and checksum against the archive before it commits) and prints the rows, the archive's
size and both times; then one whole-site backup. MEDIA_ROOT is a scratch folder where each district
gets one 200 kB file under MEDIA_ROOT/<schema>/ (the demo data names no files).

    .venv/bin/python bench/backup_drill.py [--districts yen-phong,que-vo] [--runs 3]
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_scratch_database  # noqa: E402

BENCH_DB = os.environ.get("BENCH_DB_NAME", "sedp_backup_bench")
assert BENCH_DB != "sedp" and not BENCH_DB.startswith("test"), "a scratch database only"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", help="slugs, comma-separated (default: every district)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["BENCH_DB_NAME"] = BENCH_DB
    media = tempfile.mkdtemp(prefix="sedp-bench-media-")
    os.environ["MEDIA_ROOT"] = media
    django_on_scratch_database(BENCH_DB)
    from django.core.management import call_command

    from tenants import backup
    from tenants.models import District

    call_command("load_demo", "--with-investment", verbosity=0)
    call_command("rollup_rebuild", verbosity=0)
    districts = District.objects.exclude(schema_name="public").select_related("unit").order_by("unit__code")
    if args.districts:
        districts = districts.filter(slug__in=args.districts.split(","))
    print(f"{'district':<14}{'tables':>7}{'rows':>7}{'public rows':>12}{'files':>6}{'archive kB':>11}{'backup s':>10}{'restore s':>10}")
    with tempfile.TemporaryDirectory() as scratch:
        for district in districts:
            (Path(media) / district.schema_name).mkdir(exist_ok=True)
            (Path(media) / district.schema_name / "photo.jpg").write_bytes(os.urandom(200_000))
            path = Path(scratch) / f"{district.slug}.tar"
            backups, restores = [], []
            for _ in range(args.runs):
                started = time.perf_counter()
                manifest = backup.district_backup(district=district, path=path)
                backups.append(time.perf_counter() - started)
                started = time.perf_counter()
                backup.district_restore(slug=district.slug, path=path)
                restores.append(time.perf_counter() - started)
            tables = manifest["schema"]["tables"]
            print(f"{district.slug:<14}{len(tables):>7}{sum(t['rows'] for t in tables.values()):>7}"
                  f"{sum(t['rows'] for t in manifest['public'].values()):>12}{len(manifest['files']):>6}"
                  f"{manifest['bytes'] / 1000:>11.0f}{statistics.median(backups):>10.2f}{statistics.median(restores):>10.2f}")
        site = backup.site_backup(directory=Path(scratch) / "site", keep=1)
        print(f"site_backup: database.dump {site['files']['database.dump']['bytes'] / 1e6:.1f} MB, "
              f"media.tar {site['files']['media.tar']['bytes'] / 1e3:.0f} kB, {site['seconds']:.2f} s "
              f"(median of {args.runs} runs per district above)")
    shutil.rmtree(media)


if __name__ == "__main__":
    main()
