"""Settings fail loudly in production and pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 64 + "-production-secret-for-the-check",
    "ALLOWED_HOSTS": "heforshe.example.org",
    "DATABASE_URL": "postgres://heforshe@127.0.0.1:5432/heforshe",
}


def run_manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_it_refuses_to_start_without_a_production_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage(["check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_check_deploy_is_clean_with_production_variables():
    result = run_manage(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_it_runs_on_embedded_defaults_without_any_environment():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='heforshe.settings'; "
            "django.setup(); from django.conf import settings as s; from heforshe.celery import app; "
            "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], app.conf.task_always_eager, s.MAILERS['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_a_malformed_boolean_is_named_in_the_error():
    result = run_manage(["check"], {"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_collectstatic_succeeds_with_the_production_storage(tmp_path):
    # The manifest storage follows every url() and sourceMappingURL: a vendored
    # file that points at a missing one breaks the Docker image build.
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path / "static")}
    result = run_manage(["collectstatic", "--noinput", "-v0"], env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
