"""Why PgBouncer must pool in session mode here (issue 18 part 4): django-tenants' search_path under each pool mode.

django-tenants sets the tenant with a plain `SET search_path = <district schema>, public` (autocommit, its own
transaction) when a request's connection changes tenant, and with CONN_MAX_AGE it remembers that it has set it
and does not repeat it. Under PgBouncer's transaction pooling a server connection goes back to the pool after
each transaction, so the SET stays on whichever server connection ran it and the client's next statement may
run on a connection another district's request has set.

This starts a real PgBouncer (Debian `pgbouncer`; run as the `postgres` user, PgBouncer refuses root) on
--port in front of DB_NAME, twice: pool_mode=transaction, then session, each with default_pool_size=2, and plays
two Django workers: worker A sets Yên Phong's schema, worker B then sets Quế Võ's, then A reads its proposals.
It prints which schema A's read really ran in. Nothing is written.

    DB_NAME=sedp_x .venv/bin/python bench/pgbouncer_search_path.py [--port 6718]
"""
import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

CONFIG = """[databases]
bench = host=127.0.0.1 port={pg_port} dbname={db} user={user} password={password}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/users.txt
pool_mode = {mode}
default_pool_size = 2
max_client_conn = 20
logfile = {folder}/pgbouncer.log
pidfile = {folder}/pgbouncer.pid
"""


def run(mode, port, schemas):
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    (folder / "users.txt").write_text(f'"{os.environ.get("DB_USER", "sedp")}" ""\n')
    (folder / "pgbouncer.ini").write_text(CONFIG.format(
        pg_port=os.environ.get("DB_PORT", "5432"), db=os.environ["DB_NAME"], user=os.environ.get("DB_USER", "sedp"),
        password=os.environ.get("DB_PASSWORD", "sedp"), port=port, mode=mode, folder=folder))
    shutil.chown(folder, "postgres")
    for f in folder.iterdir():
        shutil.chown(f, "postgres")
    bouncer = subprocess.Popen(["runuser", "-u", "postgres", "--", "pgbouncer", str(folder / "pgbouncer.ini")])
    try:
        for _ in range(50):
            try:
                psycopg.connect(host="127.0.0.1", port=port, dbname="bench", user=os.environ.get("DB_USER", "sedp")).close()
                break
            except psycopg.OperationalError:
                time.sleep(0.1)
        connect = dict(host="127.0.0.1", port=port, dbname="bench", user=os.environ.get("DB_USER", "sedp"), autocommit=True,
                       prepare_threshold=None)
        (slug_a, schema_a), (slug_b, schema_b) = schemas
        with psycopg.connect(**connect) as a, psycopg.connect(**connect) as b:
            a.execute(f"SET search_path = {schema_a}, public")   # worker A: a request for Yên Phong
            b.execute(f"SET search_path = {schema_b}, public")   # worker B: a request for Quế Võ
            path, backend, count = a.execute(
                "SELECT current_setting('search_path'), pg_backend_pid(), count(*) FROM proposals_proposal").fetchone()
            print(f"pool_mode={mode}: worker A set '{schema_a}' ({slug_a}), then read proposals_proposal on server "
                  f"backend {backend} with search_path '{path}': {count} rows "
                  + ("— ITS OWN district" if path.startswith(schema_a) else f"— ANOTHER district's ({slug_b}) rows"))
    finally:
        bouncer.terminate()
        bouncer.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=6718)
    args = parser.parse_args()
    with psycopg.connect(dbname=os.environ["DB_NAME"], user=os.environ.get("DB_USER", "sedp"),
                         password=os.environ.get("DB_PASSWORD", "sedp"), host="127.0.0.1",
                         port=os.environ.get("DB_PORT", "5432")) as conn:
        schemas = conn.execute(
            "SELECT slug, schema_name FROM public.tenants_district WHERE slug IN ('yen-phong', 'que-vo') ORDER BY slug DESC"
        ).fetchall()
    for mode in ("transaction", "session"):
        run(mode, args.port, schemas)


if __name__ == "__main__":
    main()
