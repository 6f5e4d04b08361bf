"""The unit-shapes update trigger (0003) compared geometries with PostGIS's `=` operator in its WHEN clause: pg_restore
runs with an empty search_path, where `public.geometry = public.geometry` is "operator is not unique", so a site backup
no longer restored (tests/tenants/test_backup.py). Bytes compare with the built-in bytea operator whatever the path."""
from django.db import migrations

SQL = """
DROP TRIGGER IF EXISTS geo_unit_shapes_update ON public.geo_administrativeunit;
CREATE TRIGGER geo_unit_shapes_update AFTER UPDATE OF geom ON public.geo_administrativeunit
    FOR EACH ROW WHEN (OLD.geom::bytea IS DISTINCT FROM NEW.geom::bytea) EXECUTE FUNCTION public.geo_unit_shapes_write();
"""

REVERSE = """
DROP TRIGGER IF EXISTS geo_unit_shapes_update ON public.geo_administrativeunit;
CREATE TRIGGER geo_unit_shapes_update AFTER UPDATE OF geom ON public.geo_administrativeunit
    FOR EACH ROW WHEN (OLD.geom IS DISTINCT FROM NEW.geom) EXECUTE FUNCTION public.geo_unit_shapes_write();
"""


class Migration(migrations.Migration):

    dependencies = [("geo", "0003_p13f_unit_shapes")]

    operations = [migrations.RunSQL(sql=SQL, reverse_sql=REVERSE)]
