"""The privacy export and erasure reach every app that registers its personal data."""

from __future__ import annotations

import json

import pytest

from heforshe.lib import privacy
from pledges import tokens
from tests.pledges.factories import ConfirmedPledgeFactory

pytestmark = pytest.mark.django_db

_held: dict[str, list[str]] = {}


def _export(email: str):
    return _held.get(email)


def _erase(email: str) -> None:
    _held.pop(email, None)


@pytest.fixture
def notes_section():
    _held.clear()
    privacy.register("test_notes", export=_export, erase=_erase)
    yield
    privacy._SECTIONS.pop("test_notes", None)
    _held.clear()


def _signed_in(client, pledge) -> None:
    client.post(f"/en/me/sign-in/{tokens.make(tokens.SIGN_IN, pledge.pk)}/")


def test_the_pledgers_export_includes_a_registered_apps_data(client, notes_section):
    pledge = ConfirmedPledgeFactory()
    _held[pledge.email] = ["registered for the Nairobi launch"]
    _signed_in(client, pledge)
    data = json.loads(client.post("/en/me/export/").content)
    assert data["test_notes"] == ["registered for the Nairobi launch"]


def test_an_app_holding_nothing_adds_no_section(client, notes_section):
    pledge = ConfirmedPledgeFactory()
    _signed_in(client, pledge)
    data = json.loads(client.post("/en/me/export/").content)
    assert "test_notes" not in data


def test_erasing_the_pledge_erases_the_registered_apps_data(client, notes_section):
    pledge = ConfirmedPledgeFactory()
    _held[pledge.email] = ["a solution"]
    _signed_in(client, pledge)
    client.post("/en/me/erase/", {"confirm": "on"})
    assert pledge.email not in _held


def test_erasing_an_empty_address_touches_nothing(notes_section):
    _held[""] = ["must stay"]
    privacy.erase_person(email="")
    assert _held[""] == ["must stay"]
