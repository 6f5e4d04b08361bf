from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground every other app stands on: the Decision's vocabularies and calendars, and the signals apps announce changes by.

    It imports no other app of this project; every app may import it.
    """

    name = "core"
    verbose_name = _("Decision 07/2015: vocabularies and calendars")
