"""One row per (user, Idempotency-Key) of a create that succeeded, in the district's schema (issue 16)."""
from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """The first successful answer to a request sent with an `Idempotency-Key` header.

    Written in the same transaction as the item it created, so a key exists exactly when its item does. `fingerprint`
    is the SHA-256 (hex) of the method, the path and the parsed body (files by their content), `status` and `body`
    the answer replayed to a retry. Rows older than `IDEMPOTENCY_KEY_DAYS` are removed by `manage.py idempotency_expire`.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+")
    key = models.UUIDField()
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]

    def __str__(self):
        return f"{self.key} ({self.method} {self.path})"
