"""A local SMTP server that accepts every message and logs when it did, for bench/pledges.py.

    .venv/bin/python bench/smtp_sink.py PORT LOGFILE

One line per accepted message: Unix time of acceptance (after DATA), a tab, the recipients.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path: str) -> None:
        self.out = open(path, "a", buffering=1)  # noqa: SIM115 - open for the server's whole life

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.out.write(f"{time.time():.6f}\t{','.join(envelope.rcpt_tos)}\n")
        return "250 OK"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(path), hostname="127.0.0.1", port=port, data_size_limit=1_000_000)
    controller.start()
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
