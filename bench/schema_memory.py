"""Memory of one PostgreSQL backend as it touches more district schemas, and the size of a district (issue 18 part 4).

On the database DB_NAME (a bench database with the demo data: `DB_NAME=sedp_x ./deploy/up`), creates --schemas
copies of the district template (`tenants/template.schema_copy`, named `memtest_000`…; plain schemas, not
tenants), then, in one fresh connection, reads what a district request reads (`SET search_path`, then a query on
each of --tables of the district's busiest tables) in 1, 10, 50, … schemas and prints after each step the backend's
memory (`pg_backend_memory_contexts`, PostgreSQL 14+: all contexts, and CacheMemoryContext with its children,
i.e. the relcache and catcache) and the growth per schema. Then the sizes of the demo districts
(`pg_total_relation_size` over each schema's tables: heap, indexes, TOAST) and of one proposal row. `--drop` removes
the copies at the end. Figures go into docs/SCALE-OUT.md.

    DB_NAME=sedp_x .venv/bin/python bench/schema_memory.py [--schemas 100] [--steps 1,10,50,100] [--drop]
"""
import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TABLES = ["proposals_proposal", "proposals_proposalevent", "proposals_attachment", "plans_plancycle",
          "plans_cycletransition", "investment_investmentproject", "monitoring_periodicreport", "django_migrations"]

MEMORY = """
SELECT sum(total_bytes),
       (SELECT sum(total_bytes) FROM pg_backend_memory_contexts
         WHERE name = 'CacheMemoryContext' OR parent = 'CacheMemoryContext' OR name = 'index info')
FROM pg_backend_memory_contexts
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schemas", type=int, default=100)
    parser.add_argument("--steps", default="1,10,50,100")
    parser.add_argument("--drop", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    import psycopg
    from django.conf import settings
    from django.db import connection

    from tenants.template import schema_copy

    names = [f"memtest_{i:03d}" for i in range(args.schemas)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'memtest\\_%%'")
        have = {name for (name,) in cursor.fetchall()}
    started = time.perf_counter()
    for name in names:
        if name not in have:
            schema_copy(name)
    print(f"{len(set(names) - have)} schema copies made in {time.perf_counter() - started:.1f} s")

    db = settings.DATABASES["default"]
    conn = psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"],
                           autocommit=True)
    present = {t for (t,) in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s", [names[0]]).fetchall()}
    tables = [t for t in TABLES if t in present]
    relations = conn.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s", [names[0]]
    ).fetchone()[0]
    print(f"a district schema holds {len(present)} tables, {relations} relations (tables, indexes, sequences, TOAST)")
    print(f"each schema touched: SET search_path, then SELECT … LIMIT 1 on {len(tables)} tables: {', '.join(tables)}")
    total0, cache0 = conn.execute(MEMORY).fetchone()
    print("\n| schemas touched | backend memory (MB) | cache contexts (MB) | growth per schema since start (kB) |")
    print("|---|---|---|---|")
    print(f"| 0 | {total0 / 2**20:.1f} | {cache0 / 2**20:.1f} | |")
    touched = 0
    for step in [int(s) for s in args.steps.split(",") if int(s) <= len(names)]:
        for name in names[touched:step]:
            conn.execute(f'SET search_path = "{name}", public')
            for table in tables:
                conn.execute(f'SELECT * FROM "{table}" LIMIT 1').fetchall()
        touched = step
        total, cache = conn.execute(MEMORY).fetchone()
        print(f"| {step} | {total / 2**20:.1f} | {cache / 2**20:.1f} | {(total - total0) / step / 1024:.0f} |")
    conn.close()

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.schema_name, t.slug, sum(pg_total_relation_size(c.oid)), count(*)
            FROM public.tenants_district t
            JOIN pg_namespace n ON n.nspname = t.schema_name
            JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'm', 'p')
            WHERE t.schema_name <> 'public'
            GROUP BY 1, 2 ORDER BY 3 DESC
            """
        )
        rows = cursor.fetchall()
        print("\n| district schema | size (kB) | tables | proposals |")
        print("|---|---|---|---|")
        for schema, slug, size, count in rows:
            cursor.execute(f'SELECT count(*) FROM "{schema}".proposals_proposal')
            print(f"| {slug} | {size / 1024:.0f} | {count} | {cursor.fetchone()[0]} |")
        cursor.execute('SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace '
                       "WHERE n.nspname = %s AND c.relkind IN ('r', 'm', 'p')", [names[0]])
        print(f"an empty district schema (template copy): {cursor.fetchone()[0] / 1024:.0f} kB")
        cursor.execute(
            """
            SELECT t.schema_name FROM public.tenants_district t WHERE t.schema_name <> 'public'
            """
        )
        per_row = []
        for (schema,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*), pg_total_relation_size(\'"{schema}".proposals_proposal\'), '
                           f'pg_total_relation_size(\'"{schema}".proposals_proposalevent\') FROM "{schema}".proposals_proposal')
            count, size, events = cursor.fetchone()
            if count:
                per_row.append((count, size + events))
        if per_row:
            count = sum(c for c, _ in per_row)
            print(f"proposals with their events and indexes: {sum(s for _, s in per_row) / count / 1024:.1f} kB a proposal "
                  f"over {count} proposals (small tables round up to whole 8 kB pages)")
        cursor.execute("SELECT pg_database_size(current_database()), pg_total_relation_size('public.geo_administrativeunit')")
        database, units = cursor.fetchone()
        print(f"the whole database: {database / 2**20:.0f} MB; public.geo_administrativeunit {units / 2**20:.1f} MB")
    if args.drop:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        print("copies dropped")


if __name__ == "__main__":
    main()
