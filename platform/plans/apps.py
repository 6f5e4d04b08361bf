from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Commune plans")

    def ready(self):
        from plans.file_kinds import register_kinds

        register_kinds()
