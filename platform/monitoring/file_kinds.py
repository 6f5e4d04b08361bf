"""The monitoring app's uploads as kinds of file (files.kinds): who may fetch each, by the rules of its object."""
from accounts import access
from files.kinds import FileKind, register


def register_kinds():
    register(FileKind(
        name="evidence-photos", model="monitoring.EvidencePhoto", field="photo", name_field="photo_name",
        may_read=access.can_read_evidence_photo,
        is_public=lambda photo: False,
        select_related=("me_plan__commune", "report"),
    ))
