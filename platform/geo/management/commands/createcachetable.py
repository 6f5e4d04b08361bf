"""`manage.py createcachetable`: Django's command (the tables of the DatabaseCache backends in settings.CACHES, made
when missing), then the tables of settings.UNLOGGED_CACHES turned UNLOGGED (idempotent; `deploy/up` and the test
runner run it).

Why: a kept answer (a tile, class breaks, a PDF) is only built again if lost, so its table needs no crash safety;
unlogged, its writes skip the write-ahead log and the commit's flush, which were most of the platform's extra cost over
bare SQL on the first tile after a write at 8 districts (docs/GIS.md, "The first answer after a write"). PostgreSQL
empties an unlogged table after a crash and keeps it out of streaming replicas; the cache is read on the primary only
(geo.replica.PRIMARY_ONLY_APPS). The rate limits' counters (the `default` cache) stay logged.
"""
from django.conf import settings
from django.core.cache import caches
from django.core.management.commands.createcachetable import Command as DjangoCommand
from django.db import connections


class Command(DjangoCommand):
    def handle(self, *tablenames, **options):
        super().handle(*tablenames, **options)
        if options["dry_run"]:
            return
        connection = connections[options["database"]]
        with connection.cursor() as cursor:
            for alias in getattr(settings, "UNLOGGED_CACHES", ()):
                table = caches[alias]._table
                cursor.execute("SELECT relpersistence FROM pg_class WHERE oid = to_regclass(%s)", [table])
                found = cursor.fetchone()
                if found and found[0] == "p":
                    cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} SET UNLOGGED")
                    if options["verbosity"] >= 1:
                        self.stdout.write(f"Cache table '{table}' is now unlogged.")
