"""The library's uploads as a kind of file (files.kinds): staff read every document, anyone the public ones."""
from accounts import access
from files.kinds import FileKind, register


def register_kinds():
    register(FileKind(
        name="library-documents", model="guidance.Document", field="file", name_field="file_name",
        may_read=access.can_read_document,
        is_public=lambda document: document.is_public,
        in_public_schema=True,
    ))
