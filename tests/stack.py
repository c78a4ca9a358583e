"""A private copy of the production stack for fault tests.

It runs its own `redis-server` on a free port (so killing and restarting it
touches nothing else), a gunicorn web server and a Celery worker, all on the
pytest test database. Tests talk to it over HTTP and check the database
through the ORM.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from tests.conftest import ARTIFACTS, ROOT, WorkerProcess


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30, up: bool = True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise RuntimeError(f"port {port} did not come {'up' if up else 'down'} in {timeout}s")


class RedisServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        exe = shutil.which("redis-server")
        if not exe:
            raise RuntimeError("redis-server is not installed")
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        wait_port(self.port, up=False)


class WebServer:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.env = env
        self.proc: subprocess.Popen | None = None
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"web-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        cmd = [sys.executable, "-m", "gunicorn", "heforshe.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
        cmd += ["--workers", "2", "--threads", "4", "--timeout", "60"]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=self.log_path.open("ab"), stderr=subprocess.STDOUT
        )
        wait_port(self.port)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)

    def get(self, path: str, timeout: float = 10) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:  # noqa: S310 - loopback only
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def post_json(self, path: str, data: dict, timeout: float = 10) -> tuple[int, bytes]:
        """POST a JSON body; status 0 means no HTTP answer at all (refused, reset, timed out)."""
        request = urllib.request.Request(  # noqa: S310 - loopback only
            self.url + path,
            data=json.dumps(data).encode(),
            headers={"Content-Type": "application/json", "Accept-Language": "en"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError as exc:
            return 0, repr(exc).encode()

    def browser(self) -> FormClient:
        return FormClient(self.url)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class FormClient:
    """A cookie-keeping HTTP client that fills Django forms (CSRF included) and never follows redirects."""

    CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def _open(self, request: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError as exc:
            return 0, repr(exc).encode()

    def get(self, path: str, timeout: float = 10) -> tuple[int, bytes]:
        return self._open(urllib.request.Request(self.base_url + path), timeout)  # noqa: S310 - loopback only

    def submit(self, path: str, fields: dict | None = None, timeout: float = 10) -> tuple[int, bytes]:
        """GET the page, then POST its form back with the CSRF token it carries."""
        status, body = self.get(path, timeout)
        if status != 200:
            return status, body
        match = self.CSRF_INPUT.search(body)
        data = {"csrfmiddlewaretoken": match.group(1).decode() if match else "", **(fields or {})}
        request = urllib.request.Request(  # noqa: S310 - loopback only
            self.base_url + path,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.base_url + path},
            method="POST",
        )
        return self._open(request, timeout)


class Stack:
    """Private Redis + gunicorn + Celery worker on the given test database URL.

    `env` adds settings (rate limits, ...) to both the web server and the worker.
    Web and worker share `media_root`, which should be the test's MEDIA_ROOT so
    that files the test process stores are the ones the worker processes.
    """

    def __init__(self, database_url: str, media_root: Path, env: dict[str, str] | None = None) -> None:
        self.redis = RedisServer()
        shared = {"REDIS_URL": self.redis.url, "CELERY_BROKER_URL": self.redis.url, **(env or {})}
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "MEDIA_ROOT": str(media_root),
            "TUS_UPLOAD_DIR": str(settings.TUS_UPLOAD_DIR),
            "DEBUG": "true",
            **shared,
        }
        self.web = WebServer(self.env)
        self.worker = WorkerProcess(database_url, media_root=media_root)
        self.worker.extra_env = shared
        self.worker_starts = 0  # starts that answered a ping, the first one included
        self.worker_exits: list[int] = []  # exit codes of the worker processes the supervisor replaced
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None

    @contextmanager
    def celery(self):
        """Point this process's Celery app at the private broker: tasks that services
        dispatch here (on commit) then reach the stack's worker, as they would from the web."""
        from heforshe.celery import app

        # The app's own pools are set aside, not closed: kombu's global producer
        # registry still holds them, and the rest of the session needs them.
        saved = app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool
        app.conf.broker_url, app.conf.task_always_eager = self.redis.url, False
        app._pool, app.amqp._producer_pool = None, None
        try:
            yield app
        finally:
            if app._pool is not None:
                app._pool.force_close_all()
            app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool = saved

    def worker_log(self) -> str:
        """Everything the worker (every start of it) wrote, emails from the console backend included."""
        return self.worker.log_path.read_text(errors="replace") if self.worker.log_path.exists() else ""

    def start(self) -> None:
        self.redis.start()
        self.web.start()
        self.worker.start()
        self.worker_starts += 1

    def supervise(self, interval: float = 0.3) -> None:
        """Start the worker again whenever it exits, as production's supervisor does
        (docker-compose `restart: unless-stopped`): after a SIGKILL, or when Celery
        gives up by itself (it can exit on a broker connection lost mid-delivery)."""

        def watch() -> None:
            while not self._stopping.wait(interval):
                proc = self.worker.proc
                if proc is None or proc.poll() is None:
                    continue
                self.worker_exits.append(proc.returncode)
                try:
                    self.worker.start(timeout=60)  # Celery keeps retrying a down broker meanwhile
                    self.worker_starts += 1
                except RuntimeError:
                    pass  # it exited again, or never answered: the next round starts it again

        self._supervisor = threading.Thread(target=watch, name="worker-supervisor", daemon=True)
        self._supervisor.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join(70)
        for part in (self.worker, self.web, self.redis):
            try:
                part.stop()
            except Exception:  # noqa: BLE001, S110 - tear down as much as possible
                pass
