from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfflineConfig(AppConfig):
    """The server side of offline capture on a phone (issue 16): what the phone keeps to work without a connection."""

    name = "offline"
    verbose_name = _("Offline capture")
