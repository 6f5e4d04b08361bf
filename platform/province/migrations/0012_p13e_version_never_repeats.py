"""The data version (0010) can no longer repeat: each bump stores a fresh `nextval()` of one sequence in its scope's row.

Before, a bump added 1 to its scope's counter and the version was the sum of the counters: a transaction that bumped and
rolled back left a number that came again with other data (the next commit), so whatever had been cached under it by
another connection (Django's cache, a process's dict, a client's ETag) was served stale. A sequence is not rolled back:
a value handed out is never handed out again, so a scope's row, once committed, names one state of that scope's data.
The version a reader computes is a hash of every (scope, value) pair it reads (`province.selectors.data_version`), so
two writers committing out of order still give distinct versions. Still one row per scope (a district's refresh writes
only its own row: no contention between districts).

Scopes: a district's GSO code (its rollup rows and refresh time), `*` (the administrative units and the districts: what
the unit layers and the public tenant read) and `rollup` (a TRUNCATE of the rollup tables, which names no district).
"""
from django.db import migrations

SQL = """
CREATE SEQUENCE public.province_dataversion_seq;
SELECT setval('public.province_dataversion_seq', greatest((SELECT max(version) FROM public.province_dataversion), 0) + 1);

CREATE OR REPLACE FUNCTION public.province_bump_rollup_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.province_dataversion AS v (scope, version)
    SELECT scope, nextval('public.province_dataversion_seq') FROM (SELECT DISTINCT district_code AS scope FROM changed) s
    ON CONFLICT (scope) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION public.province_bump_all_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.province_dataversion AS v (scope, version) VALUES ('*', nextval('public.province_dataversion_seq'))
    ON CONFLICT (scope) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END $$;

CREATE FUNCTION public.province_bump_rollup_truncate_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.province_dataversion AS v (scope, version) VALUES ('rollup', nextval('public.province_dataversion_seq'))
    ON CONFLICT (scope) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END $$;

DROP TRIGGER province_rollup_version_truncate ON public.province_investmentrollup;
CREATE TRIGGER province_rollup_version_truncate AFTER TRUNCATE ON public.province_investmentrollup
    FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_rollup_truncate_version();
DROP TRIGGER province_refresh_version_truncate ON public.province_rolluprefresh;
CREATE TRIGGER province_refresh_version_truncate AFTER TRUNCATE ON public.province_rolluprefresh
    FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_rollup_truncate_version();
"""

REVERSE = """
DROP TRIGGER IF EXISTS province_rollup_version_truncate ON public.province_investmentrollup;
CREATE TRIGGER province_rollup_version_truncate AFTER TRUNCATE ON public.province_investmentrollup
    FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_all_version();
DROP TRIGGER IF EXISTS province_refresh_version_truncate ON public.province_rolluprefresh;
CREATE TRIGGER province_refresh_version_truncate AFTER TRUNCATE ON public.province_rolluprefresh
    FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_all_version();
DROP FUNCTION IF EXISTS public.province_bump_rollup_truncate_version();

CREATE OR REPLACE FUNCTION public.province_bump_rollup_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.province_dataversion AS v (scope, version)
    SELECT DISTINCT district_code, 1 FROM changed
    ON CONFLICT (scope) DO UPDATE SET version = v.version + 1;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION public.province_bump_all_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.province_dataversion AS v (scope, version) VALUES ('*', 1)
    ON CONFLICT (scope) DO UPDATE SET version = v.version + 1;
    RETURN NULL;
END $$;
DROP SEQUENCE IF EXISTS public.province_dataversion_seq;
"""


class Migration(migrations.Migration):

    dependencies = [("province", "0011_p13c_refresh_version")]

    operations = [migrations.RunSQL(sql=SQL, reverse_sql=REVERSE)]
