"""The partner's Commitments page, its dashboard, partners of partners and government targets."""

from __future__ import annotations

import pytest
from django.test import Client

from commitments.models import CommitmentsPage
from commitments.services import child_invite, page_save
from partners.models import PartnerInvitation, Sector
from pledges.counting import fold_events
from pledges.services import PledgeInput, pledge_confirm, pledge_submit
from tests.factories import PartnerFactory
from tests.partners.factories import partner_admin, university

pytestmark = pytest.mark.django_db


def test_the_page_is_co_branded_with_a_message_per_language_and_fallback():
    partner = university(slug="uni", name="Uni of Testing")
    page_save(partner=partner, colour="#123ABC", messages={"en": "Join us", "fr": "Rejoignez-nous"}, actor=None)
    assert 'style="--partner-colour: #123abc"' in Client().get("/en/partners/uni/join/").content.decode()
    assert "Rejoignez-nous" in Client().get("/fr/partners/uni/join/").content.decode()
    assert "Join us" in Client().get("/es/partners/uni/join/").content.decode()


def test_a_colour_that_is_not_hex_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        page_save(partner=university(), colour="red;background:url(x)", messages={}, actor=None)
    assert not CommitmentsPage.objects.exists()


def test_a_pledge_through_the_page_counts_for_the_partner_and_globally():
    from pledges.models import Pledge
    from tests.commitments.helpers import pledge_via

    partner = university(slug="uni")
    pledge_via(Client(), "/en/partners/uni/join/")
    fold_events()
    stats = Client().get("/embed/uni/stats.json").json()
    assert (stats["total"], stats["global_total"]) == (1, 1)
    assert Pledge.objects.get().partner_id == partner.pk


def test_an_unknown_partner_page_is_not_found():
    assert Client().get("/en/partners/nobody/join/").status_code == 404


def _at(partner, n: int, position, tag: str) -> None:
    for i in range(n):
        pledge = pledge_submit(
            data=PledgeInput(
                first_name="M", email=f"{tag}{i}@example.org", country="KE", consent=True, partner_id=partner.pk,
                browser_position=position,
            )
        )  # fmt: skip
        pledge_confirm(pledge_id=pledge.pk)


def test_the_partner_map_is_the_global_map_of_its_pledges():
    from pledges.selectors import map_cells

    partner = university(slug="uni")
    _at(partner, 6, (-1.28, 36.82), "n")
    _at(partner, 5, (3.1, 35.6), "t")
    fold_events()
    for zoom in (2, 6, 12):
        cells = Client().get(f"/embed/uni/cells.json?zoom={zoom}").json()
        assert cells["features"] == map_cells(zoom=zoom)["features"]
    assert sorted(f["properties"]["count"] for f in cells["features"]) == [5, 6]


def test_the_partner_map_hides_a_cell_whose_showing_would_reveal_fewer_than_five():
    partner = university(slug="uni")
    _at(partner, 6, (-1.28, 36.82), "n")
    _at(partner, 1, (3.1, 35.6), "t")
    fold_events()
    cells = Client().get("/embed/uni/cells.json?zoom=12").json()
    assert cells["features"] == []
    assert cells["meta"]["folded_into_country"] == {"KE": 7}
    assert Client().get("/embed/uni/cells.json?zoom=99").status_code == 400


def test_children_roll_up_into_the_parent_and_show_separately():
    parent = university(slug="uni", name="Uni")
    admin = partner_admin(parent)
    child, invitation = child_invite(
        parent=parent, name="Uni Alumni", sector=Sector.CIVIL_SOCIETY, email="chair@alumni.example", language="fr",
        actor=admin,
    )  # fmt: skip
    assert child.parent_id == parent.pk
    assert PartnerInvitation.objects.get(pk=invitation.pk).role == "admin"
    for i, who in enumerate([parent, child, child]):
        pledge = pledge_submit(
            data=PledgeInput(first_name="M", email=f"r{i}@example.org", country="KE", consent=True, partner_id=who.pk)
        )
        pledge_confirm(pledge_id=pledge.pk)
    fold_events()
    client = Client()
    client.force_login(admin)
    response = client.get("/en/partners/dashboard/commitments/")
    figures = response.context["figures"]
    assert (figures["own"]["total"], figures["children_total"], figures["rolled_total"]) == (1, 2, 3)
    assert [(r["partner"].name, r["total"]) for r in figures["children"]] == [("Uni Alumni", 2)]
    assert Client().get("/embed/uni/stats.json").json()["total"] == 3


def test_a_member_who_is_not_admin_cannot_invite_organisations():
    from tests.partners.factories import partner_member

    parent = university(slug="uni")
    client = Client()
    client.force_login(partner_member(parent))
    response = client.post("/en/partners/dashboard/commitments/organisations/", {"name": "X"})
    assert response.status_code == 403


def test_a_government_page_shows_its_countrys_count_against_its_men():
    from pledges.geo import men_estimate

    PartnerFactory(slug="gov-ke", name="Kenya", sector=Sector.GOVERNMENT, country="KE")
    for i in range(3):
        pledge = pledge_submit(data=PledgeInput(first_name="M", email=f"k{i}@example.org", country="KE", consent=True))
        pledge_confirm(pledge_id=pledge.pk)
    fold_events()
    stats = Client().get("/embed/gov-ke/stats.json").json()
    assert (stats["country_confirmed"], stats["country_target"]) == (3, men_estimate("KE"))
    html = Client().get("/en/partners/gov-ke/join/").content.decode()
    assert "the government's commitment" in html


def test_a_new_token_is_shown_once_and_never_again():
    partner = university(slug="uni")
    client = Client()
    client.force_login(partner_admin(partner))
    shown = client.post("/en/partners/dashboard/commitments/tokens/", {"name": "HR"})
    assert shown.status_code == 200
    assert shown["Cache-Control"] == "no-store"
    raw = shown.context["new_token"]
    assert raw.startswith("hfs_") and raw in shown.content.decode()
    assert raw not in client.get("/en/partners/dashboard/commitments/").content.decode()


def test_a_government_public_page_shows_the_country_against_its_men():
    PartnerFactory(slug="gov-fr", name="France", sector=Sector.GOVERNMENT, country="FR", is_impact_champion=True)
    pledge = pledge_submit(data=PledgeInput(first_name="M", email="f@example.org", country="FR", consent=True))
    pledge_confirm(pledge_id=pledge.pk)
    fold_events()
    response = Client().get("/en/partners/gov-fr/")
    assert response.status_code == 200
    assert response.context["target"]["confirmed"] == 1
    assert 'data-live="country_confirmed"' in response.content.decode()


def test_the_page_reads_in_arabic_right_to_left():
    university(slug="uni", name="Uni")
    html = Client().get("/ar/partners/uni/join/").content.decode()
    assert 'dir="rtl"' in html
    assert "HeForShe مع Uni" in html
