"""A test e-mail backend: Django's in-memory outbox, except that a message to an address starting with "refused"
raises as an SMTP server refusing the recipient would."""
import smtplib

from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            refused = [a for a in message.recipients() if a.startswith("refused")]
            if refused:
                raise smtplib.SMTPRecipientsRefused({a: (550, b"mailbox unavailable") for a in refused})
        return super().send_messages(messages)
