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

from tests.conftest import ARTIFACTS, ROOT, WorkerProcess, celery_on_broker


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
    def __init__(self, env: dict[str, str], *, workers: int = 2, threads: int = 4) -> None:
        self.port = free_port()
        self.env = env
        self.workers, self.threads = workers, threads
        self.proc: subprocess.Popen | None = None
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"web-{self.port}.log"
        self.access_log_path = ARTIFACTS / f"web-{self.port}-access.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        cmd = [sys.executable, "-m", "gunicorn", "heforshe.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
        cmd += ["--workers", str(self.workers), "--threads", str(self.threads), "--timeout", "60"]
        # Longer than nginx keeps idle upstream connections (60 s), as in the Dockerfile.
        cmd += ["--keep-alive", "75"]
        cmd += ["--access-logfile", str(self.access_log_path)]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=self.log_path.open("ab"), stderr=subprocess.STDOUT
        )
        wait_port(self.port)

    def kill(self) -> None:
        """SIGKILL the master and its workers, as a crashed container would go."""
        if self.proc and self.proc.poll() is None:
            subprocess.run(["pkill", "-KILL", "-P", str(self.proc.pid)], check=False)
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def access_log(self) -> str:
        return self.access_log_path.read_text(errors="replace") if self.access_log_path.exists() else ""

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
        with celery_on_broker(self.redis.url) as app:
            yield app

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


# --- the production shape: nginx in front of two gunicorns, S3, both worker queues, beat ---------

NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "heforshe.conf.template"
S3_BUCKET = "heforshe-media"


def render_template(text: str, values: dict[str, str]) -> str:
    """What the nginx image's envsubst does: replace ${NAME} and $NAME for the names given, nothing else."""
    for name, value in values.items():
        text = re.sub(r"\$\{" + name + r"\}|\$" + name + r"(?![A-Za-z0-9_])", lambda _m, v=value: v, text)
    return text


def nginx_executable() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


class Nginx:
    """nginx with the repository's template, in a private prefix directory, on a free port."""

    def __init__(self, prefix: Path, values: dict[str, str]) -> None:
        self.port = free_port()
        self.prefix = prefix
        self.access_log_path = prefix / "access.log"
        self.error_log_path = prefix / "error.log"
        self.values = {
            "NGINX_LISTEN": f"127.0.0.1:{self.port}",
            "NGINX_ACCESS_LOG": str(self.access_log_path),
            "NGINX_FORWARDED_PROTO": "$scheme",
            **values,
        }
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def write_config(self) -> Path:
        self.prefix.mkdir(parents=True, exist_ok=True)
        site = self.prefix / "heforshe.conf"
        site.write_text(render_template(NGINX_TEMPLATE.read_text(), self.values))
        temp = self.prefix / "temp"
        temp.mkdir(exist_ok=True)
        for path in (self.prefix, temp):
            path.chmod(0o755)  # the workers' user must reach its temp directories
        # As root, workers run as an unprivileged user, as in the nginx image:
        # files they cannot read (a 0640 upload) answer 403, as in production.
        user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
        main = self.prefix / "nginx.conf"
        main.write_text(
            f"{user}worker_processes 1;\npid {self.prefix}/nginx.pid;\n"
            "events { worker_connections 512; }\n"
            "http {\n"
            "  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  sendfile on;\n"
            f"  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
            f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n"
            f"  include {site};\n"
            "}\n"
        )
        return main

    def command(self, *args: str) -> list[str]:
        exe = nginx_executable()
        if not exe:
            raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
        return [
            exe,
            "-p",
            str(self.prefix),
            "-c",
            str(self.prefix / "nginx.conf"),
            "-e",
            str(self.error_log_path),
            *args,
        ]

    def test_config(self) -> subprocess.CompletedProcess:
        self.write_config()
        return subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=30, check=False)

    def start(self) -> None:
        self.write_config()
        self.proc = subprocess.Popen(
            self.command("-g", "daemon off;"), stdout=subprocess.DEVNULL, stderr=self.error_log_path.open("ab")
        )
        try:
            wait_port(self.port, timeout=15)
        except RuntimeError as exc:
            raise RuntimeError(self.error_log_path.read_text(errors="replace")) from exc

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # fast shutdown; the master ends its workers
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                subprocess.run(["pkill", "-KILL", "-P", str(self.proc.pid)], check=False)
                self.proc.kill()
                self.proc.wait(10)

    def access_log(self) -> list[str]:
        return self.access_log_path.read_text(errors="replace").splitlines() if self.access_log_path.exists() else []


class MotoS3:
    """moto in server mode: an S3-compatible server on a local port, standing in for MinIO."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"moto-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_port(self.port)
        client = self.client()
        client.create_bucket(Bucket=S3_BUCKET)
        # As docker-compose's minio-setup does: anyone may read public/, nothing else.
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetObject"],
                    "Resource": [f"arn:aws:s3:::{S3_BUCKET}/public/*"],
                }
            ],
        }
        client.put_bucket_policy(Bucket=S3_BUCKET, Policy=json.dumps(policy))

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class BeatProcess:
    def __init__(self, env: dict[str, str], schedule: Path) -> None:
        self.env = env
        self.schedule = schedule
        self.proc: subprocess.Popen | None = None
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"beat-{os.getpid()}.log"

    def start(self) -> None:
        cmd = [sys.executable, "-m", "celery", "-A", "heforshe", "beat", "-l", "info", "-s", str(self.schedule)]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=self.log_path.open("ab"), stderr=subprocess.STDOUT
        )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class Response:
    def __init__(self, status: int, headers, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str:
        return (self.headers.get(name) if self.headers is not None else None) or ""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class _SecureCookiesOverHttp(http.cookiejar.DefaultCookiePolicy):
    # Production cookies are Secure; the stack is reached over plain http on the
    # loopback, where a browser on the https site would still send them.
    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """A cookie-keeping HTTP client with the headers a browser sends; never follows redirects, never decompresses."""

    CSRF_INPUT = FormClient.CSRF_INPUT

    def __init__(self, base_url: str, language: str = "en") -> None:
        self.base_url = base_url
        self.language = language
        self.cookies = http.cookiejar.CookieJar(policy=_SecureCookiesOverHttp())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def csrf_token(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def request(
        self, method: str, path: str, *, data: bytes | None = None, headers: dict | None = None, timeout: float = 30
    ) -> Response:
        url = path if path.startswith("http") else self.base_url + path
        all_headers = {"Accept-Language": self.language, "Accept-Encoding": "gzip", **(headers or {})}
        request = urllib.request.Request(url, data=data, headers=all_headers, method=method)  # noqa: S310
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.headers, exc.read())
        except OSError as exc:
            return Response(0, None, repr(exc).encode())

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, fields: dict | list, *, referer: str | None = None, **kwargs) -> Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": referer or self.base_url + path}
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self.request("POST", path, data=body, headers=headers, **kwargs)

    def form_token(self, path: str) -> tuple[Response, str]:
        page = self.get(path)
        match = self.CSRF_INPUT.search(decompressed(page))
        return page, match.group(1).decode() if match else ""

    def submit(self, path: str, fields: dict | None = None, *, action: str | None = None) -> Response:
        """GET the page, then POST its form (to `action`, default the page) with the CSRF token it carries."""
        page, token = self.form_token(path)
        if page.status != 200:
            return page
        return self.post(action or path, {"csrfmiddlewaretoken": token, **(fields or {})}, referer=self.base_url + path)

    def post_multipart(self, path: str, fields: dict, files: dict[str, tuple[str, bytes, str]]) -> Response:
        boundary = "----heforshe" + os.urandom(8).hex()
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content, content_type) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": self.base_url + path}
        return self.request("POST", path, data=body, headers=headers)


def decompressed(response: Response) -> bytes:
    import gzip

    return gzip.decompress(response.body) if response.header("Content-Encoding") == "gzip" else response.body


def collectstatic(static_root: Path) -> None:
    """Static files as the Docker image has them: hashed names, .gz and .br beside each."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "collectstatic-only",
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": "postgres://collectstatic@localhost/none",
        "STATIC_ROOT": str(static_root),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )


class ProductionStack:
    """The production shape as processes on this machine, on the pytest test database.

    nginx (the repository's template) in front of two gunicorn processes with
    round-robin balancing, a worker for the default queue and one for the
    media queue, beat, a private Redis, and moto as the S3 server. Every
    process the stack starts is stopped by `stop()`, whatever happened.
    """

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        *,
        static_root: Path,
        env: dict[str, str] | None = None,
        queues: tuple[str, ...] = ("default", "media"),
    ):
        self.workdir = workdir
        for sub in ("media", "tus"):
            (workdir / sub).mkdir(parents=True, exist_ok=True)
        self.redis = RedisServer()
        self.s3 = MotoS3()
        self.nginx = Nginx(workdir / "nginx", {})
        site = self.nginx.url
        self.env = {
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL", "HOST", "PORT"}
            },
            "DEBUG": "false",
            "SECRET_KEY": "stack-test-" + "s" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": site,
            "DATABASE_URL": database_url,
            "DB_CONN_MAX_AGE": "0",
            "REDIS_URL": self.redis.url,
            "CELERY_BROKER_URL": self.redis.url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "SECURE_SSL_REDIRECT": "false",
            "TRUSTED_PROXY_COUNT": "1",
            "STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(workdir / "media"),
            "TUS_UPLOAD_DIR": str(workdir / "tus"),
            "MEDIA_ACCEL_REDIRECT_PREFIX": "/_protected/",
            "AWS_STORAGE_BUCKET_NAME": S3_BUCKET,
            "AWS_S3_ENDPOINT_URL": self.s3.url,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_S3_CUSTOM_DOMAIN": f"127.0.0.1:{self.nginx.port}/media/bucket",
            "AWS_S3_URL_PROTOCOL": "http:",
            "PLEDGE_MIN_FILL_SECONDS": "0",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.webs = [WebServer(self.env, workers=1, threads=4) for _ in range(2)]
        self.nginx.values.update(
            {
                "NGINX_UPSTREAM_SERVERS": " ".join(
                    f"server 127.0.0.1:{web.port} max_fails=1 fail_timeout=30s;" for web in self.webs
                ),
                "STATIC_ROOT": str(static_root),
                "MEDIA_ROOT": str(workdir / "media"),
                "S3_ORIGIN": self.s3.url,
                "S3_BUCKET": S3_BUCKET,
            }
        )
        self.workers = []
        for queue in queues:
            worker = WorkerProcess(database_url, queues=queue, media_root=workdir / "media")
            worker.extra_env = dict(self.env)
            self.workers.append(worker)
        self.beat = BeatProcess(self.env, workdir / "celerybeat-schedule")
        self._started: list = []

    @property
    def url(self) -> str:
        return self.nginx.url

    def browser(self, language: str = "en") -> Browser:
        return Browser(self.url, language)

    def start(self) -> None:
        # Redis and S3 first; then the web and Celery processes side by side (each
        # waits until it answers), as compose starts them; nginx last.
        for part in (self.redis, self.s3):
            self._started.append(part)
            part.start()
        together = [*self.webs, *self.workers, self.beat]
        self._started.extend(together)
        errors: list[BaseException] = []

        def start(part) -> None:
            try:
                part.start()
            except BaseException as exc:  # noqa: BLE001 - re-raised below, in the caller's thread
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(part,)) for part in together]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        self._started.append(self.nginx)
        self.nginx.start()

    def stop(self) -> None:
        for part in reversed(self._started):
            try:
                part.stop()
            except Exception:  # noqa: BLE001, S110 - tear down as much as possible
                pass

    def worker_log(self) -> str:
        return "".join(w.log_path.read_text(errors="replace") for w in self.workers if w.log_path.exists())
