"""Each unit's population carries the year it counts and its source (issue 14, part 5), so a later import replaces it knowingly."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("geo", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="administrativeunit", name="population_year",
                            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="population year")),
        migrations.AddField(model_name="administrativeunit", name="population_source",
                            field=models.CharField(blank=True, max_length=300, verbose_name="population source")),
    ]
