from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    """The district's own duties in its schema: inspections of communes (Đ16.4) and the difficulties communes raise (Đ19)."""

    name = "duties"
    verbose_name = _("District inspections and difficulties")

    def ready(self):
        """Hand the fetched models to accounts.access and the inbox sources to core.inbox."""
        from accounts.access import register_workflow_models
        from core.inbox import register_source
        from duties import inbox
        from duties.models import Difficulty, Inspection

        register_workflow_models(Difficulty, Inspection)
        register_source("duties.corrections", inbox.corrections)
        register_source("duties.difficulties", inbox.difficulties)
