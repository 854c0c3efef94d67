"""Email backends for tests: delivery is outside the product, its failure is not."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingInvalidDomainEmailBackend(LocmemEmailBackend):
    """A mail server that refuses mail to the reserved domain example.invalid and delivers the rest
    to the test outbox."""

    def send_messages(self, email_messages):
        for message in email_messages:
            refused = [to for to in message.to if to.endswith("@example.invalid")]
            if refused:
                raise smtplib.SMTPRecipientsRefused({to: (550, b"No such user") for to in refused})
        return super().send_messages(email_messages)


class OutOfTimeEmailBackend(BaseEmailBackend):
    """A send still waiting on the mail server when the task's soft time limit strikes."""

    def send_messages(self, email_messages):
        from celery.exceptions import SoftTimeLimitExceeded

        raise SoftTimeLimitExceeded()
