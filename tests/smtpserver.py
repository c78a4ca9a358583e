"""A local SMTP server (aiosmtpd) that records what it receives: the mail server outside the project.

`refuse` holds addresses answered with a permanent 550 at RCPT TO, as a real server answers for a
mailbox that does not exist.
"""

from __future__ import annotations

import email
import email.policy
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage


@dataclass
class Recorder:
    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        with self.lock:
            return [addr for m in self.messages for addr in m.rcpt_tos]


class SMTPServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        import logging

        # aiosmtpd logs every command at INFO: thousands of lines a second in a newsletter test.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.recorder = Recorder()
        self.controller = Controller(self.recorder, hostname=host, port=port or _free_port(), ready_timeout=10)

    @property
    def port(self) -> int:
        return self.controller.port

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smtp_mailers(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
