"""The plan-cycle rollup is refreshed like the investment rollup (province.services.cycle_rollup_refresh, on
core.signals.cycle_changed), no longer by a trigger: one mechanism for both. Dropping the function with CASCADE drops
the trigger of every district schema in one statement (no per-district migration). The rows stay as they are."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("province", "0006_calendars_move_to_core"),
    ]

    operations = [
        migrations.RunSQL(
            sql="DROP FUNCTION IF EXISTS public.province_cycle_rollup() CASCADE;",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
