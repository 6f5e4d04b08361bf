"""Every district's cycles are copied to the province's `province_cyclerollup` by a trigger (see province.models.CycleRollup)."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0001_initial"),
        ("province", "0005_cycle_rollup"),
    ]

    operations = [
        migrations.RunSQL(
            sql="""
            CREATE TRIGGER plancycle_province_rollup
                AFTER INSERT OR DELETE OR UPDATE OF step, commune_id, plan_year ON plans_plancycle
                FOR EACH ROW EXECUTE FUNCTION public.province_cycle_rollup();
            CREATE TRIGGER plancycle_province_rollup_truncate
                AFTER TRUNCATE ON plans_plancycle
                FOR EACH STATEMENT EXECUTE FUNCTION public.province_cycle_rollup();
            INSERT INTO public.province_cyclerollup (schema_name, commune_id, plan_year, step, updated_at)
            SELECT current_schema(), commune_id, plan_year, step, now() FROM plans_plancycle
            ON CONFLICT (commune_id, plan_year) DO NOTHING;
            """,
            reverse_sql="""
            DROP TRIGGER IF EXISTS plancycle_province_rollup ON plans_plancycle;
            DROP TRIGGER IF EXISTS plancycle_province_rollup_truncate ON plans_plancycle;
            DELETE FROM public.province_cyclerollup WHERE schema_name = current_schema();
            """,
        ),
    ]
