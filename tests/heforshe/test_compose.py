"""docker-compose.yml is a valid Compose file and wires the production stack together.

No Compose implementation installs here (PyPI's docker-compose 1.29 needs a
PyYAML that does not build on Python 3.12), so the file is validated against
the Compose Specification's JSON schema as check-jsonschema ships it
(`vendor/compose-spec.json`, from github.com/compose-spec/compose-spec), after
the YAML merge keys Compose supports are resolved. What the schema cannot
express (references between services, volumes and files) is checked below.
"""

from __future__ import annotations

import json
import re
from importlib import resources

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT

COMPOSE = ROOT / "docker-compose.yml"
TEMPLATE = ROOT / "deploy" / "nginx" / "heforshe.conf.template"
# Bind mounts the stack writes into (compose creates them); every other one must be in the repository.
OUTPUT_MOUNTS = {"./backups"}
IGNORED = (ROOT / ".gitignore").read_text().splitlines()
APP_SERVICES = ("migrate", "static", "web", "worker", "worker-media", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    # safe_load resolves `<<: *app` as Compose does.
    return yaml.safe_load(COMPOSE.read_text())


def compose_schema() -> dict:
    path = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    return json.loads(path.read_text())


def test_the_file_is_valid_against_the_compose_specification(compose):
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors]


def test_the_schema_catches_a_misspelt_key(compose):
    # The check has teeth: a typo Compose would refuse is refused here too.
    broken = {**compose, "services": {**compose["services"], "web": {**compose["services"]["web"], "porst": ["80"]}}}
    schema = compose_schema()
    assert not jsonschema.validators.validator_for(schema)(schema).is_valid(broken)


def test_every_dependency_and_named_volume_is_declared(compose):
    services = compose["services"]
    declared_volumes = set(compose.get("volumes", {}))
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown service {dependency}"
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in declared_volumes, f"{name} mounts undeclared volume {source}"
            else:
                if source in OUTPUT_MOUNTS:
                    assert source.removeprefix("./") + "/" in IGNORED, f"{name} writes {source}, which git must ignore"
                else:
                    assert (ROOT / source).exists(), f"{name} mounts missing {source}"


def test_the_proxy_is_the_only_published_port_and_balances_web(compose):
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    proxy = services["proxy"]
    assert "./deploy/nginx/heforshe.conf.template:/etc/nginx/templates/default.conf.template:ro" in proxy["volumes"]
    assert proxy["environment"]["NGINX_UPSTREAM_SERVERS"].startswith("server web:8000 ")


def test_the_proxy_sets_every_variable_of_the_template(compose):
    wanted = set(re.findall(r"\$\{([A-Z0-9_]+)\}", TEMPLATE.read_text()))
    assert wanted <= set(compose["services"]["proxy"]["environment"]), wanted


def test_every_web_container_shares_the_tus_volume(compose):
    web = compose["services"]["web"]
    assert web["environment"]["TUS_UPLOAD_DIR"] == "/data/tus"
    assert "tus-incoming:/data/tus" in web["volumes"]
    assert "tus-incoming" in compose["volumes"]


def test_app_services_trust_exactly_one_proxy_and_hand_private_files_to_it(compose):
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        assert environment["TRUSTED_PROXY_COUNT"] == "1", name
        assert environment["MEDIA_ACCEL_REDIRECT_PREFIX"] == "/_protected/", name
        assert environment["AWS_S3_CUSTOM_DOMAIN"].endswith("/media/bucket"), name
