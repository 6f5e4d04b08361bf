"""The data version (0010) also moves when a district's rollup is refreshed without a changed row: the distribution's
GeoJSON carries `refreshed_at` (province_rolluprefresh), and its pages are cached under the version."""
from django.db import migrations

SQL = """
CREATE TRIGGER province_refresh_version_insert AFTER INSERT ON public.province_rolluprefresh
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_rollup_version();
CREATE TRIGGER province_refresh_version_update AFTER UPDATE ON public.province_rolluprefresh
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_rollup_version();
CREATE TRIGGER province_refresh_version_delete AFTER DELETE ON public.province_rolluprefresh
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_rollup_version();
CREATE TRIGGER province_refresh_version_truncate AFTER TRUNCATE ON public.province_rolluprefresh
    FOR EACH STATEMENT EXECUTE FUNCTION public.province_bump_all_version();
"""

REVERSE = """
DROP TRIGGER IF EXISTS province_refresh_version_insert ON public.province_rolluprefresh;
DROP TRIGGER IF EXISTS province_refresh_version_update ON public.province_rolluprefresh;
DROP TRIGGER IF EXISTS province_refresh_version_delete ON public.province_rolluprefresh;
DROP TRIGGER IF EXISTS province_refresh_version_truncate ON public.province_rolluprefresh;
"""


class Migration(migrations.Migration):

    dependencies = [("province", "0010_p13c_data_version")]

    operations = [migrations.RunSQL(sql=SQL, reverse_sql=REVERSE)]
