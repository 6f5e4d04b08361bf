from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    """The province's own duties in the public schema (Đ12, Đ14, Đ17–Đ19): the document library, training,
    communication, and the province's copy of the difficulties districts forward to it."""

    name = "guidance"
    verbose_name = _("Province guidance, training and communication")

    def ready(self):
        """Register the library's upload kind (files.kinds) and the province's inbox source (core.inbox)."""
        from core.inbox import PROVINCE, register_source
        from guidance import inbox
        from guidance.file_kinds import register_kinds

        register_kinds()
        register_source("guidance.forwarded_difficulties", inbox.forwarded_difficulties, level=PROVINCE)
