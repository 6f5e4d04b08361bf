"""Shared set-up for benchmarks: a scratch database (DB_NAME, default sedp_bench) with Bắc Ninh loaded."""
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_on_scratch_database(name="sedp_bench"):
    os.environ["DB_NAME"] = os.environ.get("BENCH_DB_NAME", name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_PASSWORD_HASHER", "django.contrib.auth.hashers.MD5PasswordHasher")
    for path in (ROOT / "platform", ROOT):
        sys.path.insert(0, str(path))
    import psycopg

    admin = psycopg.connect(
        dbname="postgres", user=os.environ.get("DB_USER", "sedp"), password=os.environ.get("DB_PASSWORD", "sedp"),
        host=os.environ.get("DB_HOST", "127.0.0.1"), port=os.environ.get("DB_PORT", "5432"), autocommit=True,
    )
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [os.environ["DB_NAME"]]).fetchone():
        admin.execute(f'CREATE DATABASE "{os.environ["DB_NAME"]}"')
    admin.close()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    call_command("migrate_schemas", "--shared", verbosity=0)
    call_command("setup_province", verbosity=0)
    call_command("migrate_schemas", "--tenant", verbosity=0)


def median_ms(fn, runs=15, warmup=2):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)
