"""Generalised boundaries per zoom band (`geo.UnitShape`, issue 13 §4 at national scale): the table (its GiST index on `geom` from the model's field), the SQL function that
writes a unit's shapes, the triggers that keep them (a unit inserted, its boundary changed, the unit deleted: whoever
writes, the ORM or bare SQL) and the shapes of the units already there. The bands are those of `geo.models.ZOOM_BANDS`,
written here as numbers so that this migration stays what it was if the bands change (a later migration then replaces
the function and refills)."""
import django.contrib.gis.db.models.fields
import django.db.models.deletion
from django.db import migrations, models


HALF_WORLD = 20037508.342789244
BANDS = ", ".join(f"({z}, {HALF_WORLD / 2 ** z / 4096!r})" for z in (5, 8, 11)) + ", (22, 0.0)"

SQL = f"""
-- A boundary (EPSG:4326) as a valid MultiPolygon in EPSG:3857, simplified at `tolerance` metres (0: not simplified).
CREATE FUNCTION public.geo_unit_shape(boundary geometry, tolerance float8) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN tolerance = 0 OR ST_IsEmpty(s) THEN ST_Multi(m) ELSE s END  -- a shape simplified away keeps its boundary
    FROM (SELECT m, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SimplifyPreserveTopology(m, tolerance)), 3)) AS s
          FROM (SELECT ST_Transform(boundary, 3857) AS m) t) u
$$;

CREATE FUNCTION public.geo_unit_shapes_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM public.geo_unitshape WHERE unit_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.geom IS NOT NULL AND NOT ST_IsEmpty(NEW.geom) THEN
        INSERT INTO public.geo_unitshape (unit_id, band, geom)
        SELECT NEW.id, band, public.geo_unit_shape(NEW.geom, tolerance) FROM (VALUES {BANDS}) AS b(band, tolerance);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER geo_unit_shapes_insert AFTER INSERT ON public.geo_administrativeunit
    FOR EACH ROW EXECUTE FUNCTION public.geo_unit_shapes_write();
CREATE TRIGGER geo_unit_shapes_update AFTER UPDATE OF geom ON public.geo_administrativeunit
    FOR EACH ROW WHEN (OLD.geom IS DISTINCT FROM NEW.geom) EXECUTE FUNCTION public.geo_unit_shapes_write();
CREATE TRIGGER geo_unit_shapes_delete AFTER DELETE ON public.geo_administrativeunit
    FOR EACH ROW EXECUTE FUNCTION public.geo_unit_shapes_write();

INSERT INTO public.geo_unitshape (unit_id, band, geom)
SELECT u.id, band, public.geo_unit_shape(u.geom, tolerance)
FROM public.geo_administrativeunit u, (VALUES {BANDS}) AS b(band, tolerance)
WHERE u.geom IS NOT NULL AND NOT ST_IsEmpty(u.geom);
"""

REVERSE = """
DROP TRIGGER IF EXISTS geo_unit_shapes_insert ON public.geo_administrativeunit;
DROP TRIGGER IF EXISTS geo_unit_shapes_update ON public.geo_administrativeunit;
DROP TRIGGER IF EXISTS geo_unit_shapes_delete ON public.geo_administrativeunit;
DROP FUNCTION IF EXISTS public.geo_unit_shapes_write();
DROP FUNCTION IF EXISTS public.geo_unit_shape(geometry, float8);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('geo', '0002_a14gates_population_source'),
    ]

    operations = [
        migrations.CreateModel(
            name='UnitShape',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('band', models.PositiveSmallIntegerField()),
                ('geom', django.contrib.gis.db.models.fields.MultiPolygonField(srid=3857)),
                ('unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='shapes', to='geo.administrativeunit')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('unit', 'band'), name='geo_unitshape_unit_band')],
            },
        ),
        migrations.RunSQL(sql=SQL, reverse_sql=REVERSE),
    ]
