"""Once a trigger copied every district's cycles to `province_cyclerollup`; the plan services now announce their changes
(core.signals.cycle_changed) and `province` refreshes its copy, like the investment rollup. Kept as a no-op so that the
migration graph stays; province 0007 drops the function and, with it, the triggers of districts that had them."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0001_initial"),
        ("province", "0005_cycle_rollup"),
    ]

    operations = []
