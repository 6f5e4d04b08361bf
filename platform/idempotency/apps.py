from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdempotencyConfig(AppConfig):
    """Idempotency keys of the creates a phone can queue offline (issue 16): one table per district schema.

    It imports no other app of this project; every app may decorate its views with `idempotency.idempotent`.
    """

    name = "idempotency"
    verbose_name = _("Idempotency keys")
