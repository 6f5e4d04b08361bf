from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tài khoản và vai trò"

    def ready(self):
        """A password set anywhere (the admin's form, `manage.py changepassword`, a reset) revokes the account's API tokens."""
        from django.db.models.signals import post_save, pre_save

        from accounts import openapi, signals  # noqa: F401  (openapi: the session scheme registers itself with drf-spectacular)

        pre_save.connect(signals.password_change_noted, sender="accounts.User", dispatch_uid="accounts.password_change_noted")
        post_save.connect(signals.tokens_revoked_after_password_change, sender="accounts.User", dispatch_uid="accounts.tokens_revoked")
