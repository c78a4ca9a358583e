"""Handing newsletter messages to the mail server, each recipient at most once, even across crashes.

A batch claims its rows (`pending -> sending`, with a claim id) in one committed UPDATE using
`FOR UPDATE SKIP LOCKED`, so two workers never take the same recipient. With the SMTP backend the
row is marked `sent` in the database *after the message body has been transmitted and before the
final "." that makes the server accept it*: a worker killed before that mark leaves an incomplete
DATA that every SMTP server discards (and a row still `sending`, safe to send again); a worker
killed after it leaves a row marked `sent` for a message the server accepts. The mark is
conditional on the claim, so a row taken over by the resume sweeper is never finished twice.

Other backends (the providers' HTTP APIs through anymail) have no such point: the row is marked
after the provider accepted the message, and a row left `sending` by a crash is marked
`unknown`, never sent again.
"""

from __future__ import annotations

import smtplib
import socket

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends import smtp

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class CheckpointLost(smtplib.SMTPException):
    """The row's claim was taken over: the message was abandoned before the server accepted it."""


class _CheckpointMixin:
    checkpoint = None  # callable() -> bool, run between the body and the final "."

    def _get_socket(self, host, port, timeout):
        sock = super()._get_socket(host, port, timeout)
        # The body and the final "." are two writes: without this, Nagle's algorithm holds the "."
        # until the server's delayed ACK (40 ms a message).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def data(self, msg):
        self.putcmd("data")
        code, repl = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, repl)
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")
        body = smtplib._quote_periods(msg)
        if body[-2:] != smtplib.bCRLF:
            body += smtplib.bCRLF
        self.send(body)
        if self.checkpoint is not None and not self.checkpoint():
            # Closing in the middle of DATA: the server discards the message.
            self.close()
            raise CheckpointLost("claim lost before the message was accepted")
        self.send(b"." + smtplib.bCRLF)
        code, msg = self.getreply()
        if self.debuglevel > 0:
            self._print_debug("data:", (code, msg))
        return code, msg


class CheckpointSMTP(_CheckpointMixin, smtplib.SMTP):
    pass


class CheckpointSMTPSSL(_CheckpointMixin, smtplib.SMTP_SSL):
    pass


class CheckpointEmailBackend(smtp.EmailBackend):
    @property
    def connection_class(self):
        return CheckpointSMTPSSL if self.use_ssl else CheckpointSMTP

    def set_checkpoint(self, fn) -> None:
        if self.connection is not None:
            self.connection.checkpoint = fn


def open_backend():
    """(backend, has_checkpoint): an open connection for one batch."""
    config = settings.MAILERS["default"]
    if config["BACKEND"] == SMTP_BACKEND:
        backend = CheckpointEmailBackend(alias="default", **config.get("OPTIONS", {}))
        backend.open()
        return backend, True
    backend = mailers.create_connection("default")
    backend.open()
    return backend, False


def resumes_safely() -> bool:
    return settings.MAILERS["default"]["BACKEND"] == SMTP_BACKEND
