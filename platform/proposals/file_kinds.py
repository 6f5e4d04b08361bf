"""The proposals app's uploads as kinds of file (files.kinds): who may fetch each, by the rules of its object."""
from accounts import access
from files.kinds import FileKind, register


def register_kinds():
    register(FileKind(
        name="proposal-attachments", model="proposals.Attachment", field="file", name_field="name",
        may_read=lambda user, attachment: access.can_read_proposal(user, attachment.proposal),
        is_public=lambda attachment: access.is_published_proposal(attachment.proposal),
        select_related=("proposal__commune",),
    ))
    register(FileKind(
        name="meeting-minutes", model="proposals.VillageMeeting", field="minutes", name_field="minutes_name",
        may_read=access.can_read_village_meeting,
        is_public=lambda meeting: False,
        select_related=("commune",),
    ))
