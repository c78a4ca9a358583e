"""Property-based calls of every operation in the OpenAPI schema, with every check schemathesis has.

Valid and invalid data alike (both generation modes): a server error, a status,
content type, header or body the schema does not document, invalid data
accepted or valid data refused all fail the test.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation import GenerationMode

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
schema.config.generation.update(modes=list(GenerationMode))

load_all_checks()
ALL_CHECKS = CHECKS.get_all()


@schema.hook
def map_query(context, query):
    """The one rule of the API that JSON Schema cannot state: a bbox's south edge is not above its north edge.

    Generated boxes that break it are turned the right way up; the server's
    400 for them is tested in tests/pledges/test_map.py.
    """
    bbox = (query or {}).get("bbox")
    if isinstance(bbox, str):
        parts = bbox.split(",")
        try:
            south, north = float(parts[1]), float(parts[3])
        except (IndexError, ValueError):
            return query
        if len(parts) == 4 and south > north:
            parts[1], parts[3] = parts[3], parts[1]
            query = {**query, "bbox": ",".join(parts)}
    return query


def test_every_check_and_both_generation_modes_are_on():
    names = {check.__name__ for check in ALL_CHECKS}
    assert {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "unsupported_method",
        "allow_header_conformance",
        "missing_required_header",
    } <= names
    assert set(schema.config.generation.modes) == {GenerationMode.POSITIVE, GenerationMode.NEGATIVE}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Like Django's test client: requests must not close the connection that
    # holds the test's transaction.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _unthrottled(settings, monkeypatch):
    # Throttled answers (429) are documented and allowed, but a run that is mostly
    # 429s would test nothing else: lift the limits for the generated calls.
    from rest_framework.settings import api_settings

    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "public_read", "100000/min")
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "public_write", "100000/min")
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "100000/min")
    settings.PLEDGE_RATE_LIMITS = [("burst", 100000, 60)]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_operations_conform_to_their_schema(case):
    response = case.call()
    case.validate_response(response, checks=ALL_CHECKS)


@pytest.fixture
def populated(db, settings):
    """One of everything the public API shows, so that full answers (not only empty lists) meet the schema."""
    from pledges.counting import fold_events
    from pledges.services import pledge_confirm
    from tests.actionkits.factories import make_kit
    from tests.partners.factories import commitment, confirmed_pledges, university
    from tests.pledges.factories import PledgeFactory
    from tests.stories.factories import published_story

    story = published_story(title="In the API", country="NE")
    partner = university()
    commitment(partner)
    confirmed_pledges(partner, 2)
    make_kit()
    for pledge in PledgeFactory.create_batch(6, lat10=-13, lng10=368):
        pledge_confirm(pledge_id=pledge.pk)
    fold_events()
    from commitments.services import token_create
    from tests.solutions.factories import SolutionFactory

    solution = SolutionFactory(challenge__partner=partner, outcome="selected")
    import datetime as dt

    from django.utils import timezone

    from tests.champions.factories import ChampionFactory
    from tests.events.factories import EventFactory

    event = EventFactory(partner=partner, capacity=100, online_url="https://meet.example/secret")
    event.champions.add(ChampionFactory())
    EventFactory(starts_at=timezone.now() - dt.timedelta(days=3), precision="city")
    _token, raw = token_create(partner=partner, name="Registration", actor=None)
    return {
        "/api/v1/stories/{slug}/": {"slug": story.slug},
        "/api/v1/partners/{slug}/": {"slug": partner.slug},
        "/api/v1/partners/{slug}/signups/": {"slug": partner.slug},
        "/api/v1/solutions/challenges/{slug}/": {"slug": solution.challenge.slug},
        "/api/v1/solutions/{id}/": {"id": solution.pk},
        "/api/v1/events/{slug}/": {"slug": event.slug},
        "token": raw,
    }


OPERATIONS = [
    ("GET", "/api/v1/stories/", 200),
    ("GET", "/api/v1/stories/{slug}/", 200),
    ("GET", "/api/v1/partners/", 200),
    ("GET", "/api/v1/partners/{slug}/", 200),
    ("GET", "/api/v1/action-kits/", 200),
    ("GET", "/api/v1/pledges/stats/", 200),
    ("GET", "/api/v1/pledges/map/", 200),
    ("POST", "/api/v1/pledges/", 202),
    ("GET", "/api/v1/solutions/challenges/", 200),
    ("GET", "/api/v1/solutions/challenges/{slug}/", 200),
    ("GET", "/api/v1/solutions/", 200),
    ("GET", "/api/v1/solutions/{id}/", 200),
    ("POST", "/api/v1/partners/{slug}/signups/", 200),
    ("GET", "/api/v1/events/", 200),
    ("GET", "/api/v1/events/past/", 200),
    ("GET", "/api/v1/events/{slug}/", 200),
]


def test_the_list_covers_every_operation_of_the_schema():
    assert {(r.ok().method.upper(), r.ok().path) for r in schema.get_all_operations()} == {
        (m, p) for m, p, _s in OPERATIONS
    }


@pytest.mark.parametrize(("method", "path", "expected"), OPERATIONS, ids=[f"{m} {p}" for m, p, _s in OPERATIONS])
def test_answers_with_data_conform_to_the_schema(populated, method, path, expected):
    operation = schema[path][method]
    kwargs = {"path_parameters": populated.get(path)}
    if path.endswith("/map/"):
        kwargs["query"] = {"zoom": 12}
    if method == "POST":
        kwargs["body"] = {"first_name": "Amani", "email": "amani@example.org", "country": "KE", "consent": True}
        kwargs["media_type"] = "application/json"
    if path.endswith("/signups/"):
        row = {"external_id": "s-1", "first_name": "Amani", "email": "amani@example.org", "country": "KE"}
        kwargs["body"] = {"signups": [row | {"language": "en", "consent": True}]}
        kwargs["headers"] = {"Authorization": f"Bearer {populated['token']}"}
    case = operation.Case(**kwargs)
    response = case.call()
    assert response.status_code == expected
    case.validate_response(response, checks=ALL_CHECKS)
    if expected == 200 and "results" in response.json():
        assert response.json()["results"]
