"""Password change (signed in) and reset by e-mail: Django's views with our Vietnamese templates.

Changing or resetting a password also revokes every API token of the account, so a token taken
with the old password stops working; the account's other sessions end by themselves (Django ties a
session to the password hash), the current one is kept.
"""
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from accounts.tokens import tokens_revoke


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("password-change-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        tokens_revoke(user=form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_changed.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Sends the reset link to the account's e-mail address; answers the same whether or not one matches."""

    template_name = "registration/password_reset.html"
    email_template_name = "registration/password_reset_mail.txt"
    subject_template_name = "registration/password_reset_subject_line.txt"
    success_url = reverse_lazy("password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_new.html"
    success_url = reverse_lazy("password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        tokens_revoke(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_finished.html"
