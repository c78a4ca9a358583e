"""Handing newsletter messages to the mail server, each recipient at most once, even across crashes.

A batch claims its rows (`pending -> sending`, with a claim id) in one committed UPDATE using
`FOR UPDATE SKIP LOCKED`, so two workers never take the same recipient. With the SMTP backend the
final "." that makes the server accept a message is bracketed by the row's mark: after the body,
the row is marked `sent` in an open transaction (conditional on the claim, so a row the resume
sweep took back is abandoned: the connection is closed mid-DATA and the server discards it); then
the "." is written, and the COMMIT right after it, with nothing in between but two writes to
sockets. A worker killed before the "." leaves an incomplete DATA that every SMTP server
discards, and an uncommitted mark that PostgreSQL rolls back: the row stays `sending`, safe to
send again. Killed after the COMMIT was written, it leaves a row `sent` (PostgreSQL reads and
commits what was written before the connection closed) for a message the server has whole.

Marking and committing before the "." instead would leave a window (the commit's answer, and the
worker waiting for the CPU on a loaded machine) in which a kill leaves a row `sent` for a message
the server never got; that is what a kill right after seeing the mark hits.

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
    # Its prepare() -> bool runs between the body and the final "."; commit() right after the ".",
    # abort() if the "." could not be written.
    checkpoint = None

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
        checkpoint = self.checkpoint
        if checkpoint is not None and not checkpoint.prepare():
            # Closing in the middle of DATA: the server discards the message.
            self.close()
            raise CheckpointLost("claim lost before the message was accepted")
        try:
            self.send(b"." + smtplib.bCRLF)
        except BaseException:
            if checkpoint is not None:
                checkpoint.abort()
            raise
        if checkpoint is not None:
            checkpoint.commit()
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

    def set_checkpoint(self, checkpoint) -> None:
        if self.connection is not None:
            self.connection.checkpoint = checkpoint


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
