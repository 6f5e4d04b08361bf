"""Password change (signed in) and reset by e-mail: Django's views with our Vietnamese templates.

Changing or resetting a password also revokes every API token of the account, so a token taken
with the old password stops working; the account's other sessions end by themselves (Django ties a
session to the password hash), the current one is kept.
"""
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from accounts.limits import RateLimited, counted
from accounts.network import client_address
from accounts.tokens import tokens_revoke

RESET_LIMIT = 5  # reset e-mails asked for per address and window
RESET_WINDOW_S = 3600


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
    """Sends the reset link to the account's e-mail address; answers the same whether or not one matches.

    Limited per address like the public comments (`accounts.limits.counted`): 429 with Retry-After.
    """

    template_name = "registration/password_reset.html"
    email_template_name = "registration/password_reset_mail.txt"
    subject_template_name = "registration/password_reset_subject_line.txt"
    success_url = reverse_lazy("password-reset-done")

    def form_valid(self, form):
        """At most RESET_LIMIT requests per address and hour (shared by every worker), so the form cannot be used to flood inboxes."""
        try:
            with counted(f"accounts:password-reset:{client_address(self.request)}", limit=RESET_LIMIT, window_s=RESET_WINDOW_S):
                return super().form_valid(form)
        except RateLimited as limited:
            form.add_error(None, _("Too many requests from this address; try again later."))
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(limited.retry_after)
            return response


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


class LogoutView(auth_views.LogoutView):
    """`POST /accounts/logout/`: Django's sign-out, whose answer also carries `Clear-Site-Data` (issue 16).

    By default `"cache", "storage"`: the browser drops its HTTP cache, the service worker's caches, IndexedDB (the
    phone's queue, drafts and bundle) and the worker itself, so nothing of the signed-out user stays on a shared
    phone, whatever the page or client that signed out. Every page's sign-out (`frontend/js/signout.js`) first warns
    about items still waiting, then deletes the user's own queue, drafts, bundle, marker and kept pages itself; when
    items of another account wait on the phone it posts `keep=other-accounts`, and the answer is `"cache"` only, so
    those items stay until their owner signs in and sends them (the user's own data is already gone)."""

    KEEP_OTHER_ACCOUNTS = "other-accounts"

    def post(self, request, *args, **kwargs):
        keep_storage = request.POST.get("keep") == self.KEEP_OTHER_ACCOUNTS
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache"' if keep_storage else '"cache", "storage"'
        return response
