"""The version of what the distribution's class breaks read (province.versions): a counter per district's rollup rows
and one (`*`) for the units and the districts, bumped by statement triggers in the writer's own transaction, so a new
version becomes visible exactly when the data it stands for commits. The rollup's triggers bump only the districts whose
rows a statement touched (a district's refresh already serialises on its own advisory lock: no new contention between
districts); units and districts change rarely and bump `*`. The counters only grow, so their sum changes at every commit
that changes the data."""
from django.db import migrations

SQL = """
CREATE TABLE public.province_dataversion (scope text PRIMARY KEY, version bigint NOT NULL);

CREATE FUNCTION public.province_bump_rollup_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.province_dataversion AS v (scope, version)
    SELECT DISTINCT district_code, 1 FROM changed
    ON CONFLICT (scope) DO UPDATE SET version = v.version + 1;
    RETURN NULL;
END $$;

CREATE FUNCTION public.province_bump_all_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.province_dataversion AS v (scope, version) VALUES ('*', 1)
    ON CONFLICT (scope) DO UPDATE SET version = v.version + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER province_rollup_version_insert AFTER INSERT ON public.province_investmentrollup
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_rollup_version();
CREATE TRIGGER province_rollup_version_update AFTER UPDATE ON public.province_investmentrollup
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_rollup_version();
CREATE TRIGGER province_rollup_version_delete AFTER DELETE ON public.province_investmentrollup
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_rollup_version();
CREATE TRIGGER province_rollup_version_truncate AFTER TRUNCATE ON public.province_investmentrollup
    FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_all_version();
CREATE TRIGGER province_units_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.geo_administrativeunit
    FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_all_version();
CREATE TRIGGER province_districts_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.tenants_district
    FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_all_version();
"""

REVERSE = """
DROP TRIGGER IF EXISTS province_districts_version ON public.tenants_district;
DROP TRIGGER IF EXISTS province_units_version ON public.geo_administrativeunit;
DROP FUNCTION IF EXISTS public.province_bump_all_version() CASCADE;
DROP FUNCTION IF EXISTS public.province_bump_rollup_version() CASCADE;
DROP TABLE IF EXISTS public.province_dataversion;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("province", "0009_f14b_publication_files"),
        ("geo", "0002_a14gates_population_source"),
        ("tenants", "0001_initial"),
    ]

    operations = [migrations.RunSQL(sql=SQL, reverse_sql=REVERSE)]
