"""The plans app's uploads as kinds of file (files.kinds): who may fetch each, by the rules of its object."""
from django.db import connection

from accounts import access
from files.kinds import FileKind, register


def register_kinds():
    register(FileKind(
        name="step-evidence", model="plans.StepEvidence", field="file", name_field="file_name",
        may_read=lambda user, evidence: access.can_read_commune_cycle(user, evidence.cycle.commune),
        is_public=lambda evidence: False,
        select_related=("cycle__commune",),
    ))
    register(FileKind(
        name="orientation-documents", model="plans.OrientationDocument", field="file", name_field="file_name",
        may_read=lambda user, document: access.can_read_orientation(user, document.orientation, connection.tenant),
        is_public=lambda document: False,
        select_related=("orientation",),
    ))
    for kind, field in (("council-resolutions", "council_resolution_file"), ("district-decisions", "district_decision_file")):
        register(FileKind(
            name=kind, model="plans.CommunePlan", field=field, name_field=f"{field}_name",
            may_read=lambda user, plan: access.can_read_commune_cycle(user, plan.cycle.commune),
            is_public=access.is_announced_plan,
            select_related=("cycle__commune",),
        ))
