"""Proposals made by a commune unit carried its name as free text (`source_name`): each distinct name of a unit kind
in a commune becomes a `CommuneUnit`, and the proposals point to it. The text stays, for display and other sources."""
from django.db import migrations

# SourceKind of a unit's proposal -> CommuneUnit.Kind
UNIT_KINDS = {
    "department": "department",
    "mass_organisation": "mass_organisation",
    "school": "school",
    "health_station": "health_station",
    "enterprise": "enterprise",
    "other_organisation": "other",
}


def forwards(apps, schema_editor):
    Proposal = apps.get_model("proposals", "Proposal")
    CommuneUnit = apps.get_model("proposals", "CommuneUnit")
    for proposal in Proposal.objects.filter(source_kind__in=list(UNIT_KINDS), commune_unit__isnull=True).exclude(source_name=""):
        name = proposal.source_name.strip()
        unit = CommuneUnit.objects.filter(commune_id=proposal.commune_id, name__iexact=name).first()
        if unit is None:
            unit = CommuneUnit.objects.create(commune_id=proposal.commune_id, name=name, kind=UNIT_KINDS[proposal.source_kind])
        proposal.commune_unit_id = unit.pk
        proposal.save(update_fields=["commune_unit"])


def backwards(apps, schema_editor):
    apps.get_model("proposals", "Proposal").objects.update(commune_unit=None)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0005_a14actors_actors")]
    operations = [migrations.RunPython(forwards, backwards)]
