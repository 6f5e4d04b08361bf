"""Receivers of the accounts app: a new password ends the account's API tokens (issue 11, part 4).

Tokens were revoked only by the password change and reset views; an administrator resetting a compromised
account in the admin, or `manage.py changepassword`, left them valid for up to API_TOKEN_TTL_HOURS.
"""
from accounts.tokens import tokens_revoke


def password_change_noted(sender, instance, raw=False, **kwargs):
    """Before a user row is saved: mark it when its password hash differs from the stored one."""
    if raw or instance.pk is None:
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._password_changed = stored is not None and stored != instance.password


def tokens_revoked_after_password_change(sender, instance, created=False, raw=False, **kwargs):
    """After the row is saved with a new password: revoke every API token of the account."""
    if not raw and not created and getattr(instance, "_password_changed", False):
        tokens_revoke(user=instance)
        instance._password_changed = False
