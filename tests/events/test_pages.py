"""Event pages, registration with double opt-in, one click for a pledger, the pledge in the same step."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from icalendar import Calendar

from events.models import Registration
from pledges.models import Pledge
from pledges.views import SESSION_KEY
from tests.events.factories import EventFactory, registration
from tests.pledges.factories import ConfirmedPledgeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_forms(settings):
    settings.PLEDGE_MIN_FILL_SECONDS = 0


def _form(client, event):
    from pledges.abuse import form_started_token

    return {"name": "Amani Otieno", "email": "amani@example.org", "consent": "on", "started": form_started_token()}


def test_the_list_shows_upcoming_events_and_filters_by_country(client):
    kenya = EventFactory(title="Nairobi launch")
    EventFactory(title="Paris meeting", country="FR", timezone="Europe/Paris")
    body = client.get("/en/events/?country=KE").content.decode()
    assert "Nairobi launch" in body
    assert "Paris meeting" not in body
    assert kenya.slug in body


def test_an_unknown_filter_value_is_ignored(client):
    EventFactory(title="Nairobi launch")
    response = client.get("/en/events/?kind=%00bogus&language=xx")
    assert response.status_code == 200
    assert "Nairobi launch" in response.content.decode()


def test_registration_is_pending_until_the_emailed_link_is_posted(client):
    event = EventFactory()
    response = client.post(f"/en/events/{event.slug}/register/", _form(client, event))
    assert response.status_code == 200
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.PENDING
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/confirm/", mail.outbox[0].body).group(0)
    path = link.split("//", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    client.post("/" + path)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert mail.outbox[-1].attachments[0][0].endswith(".ics")


def test_registration_with_the_pledge_creates_a_pending_pledge_linked_to_it(client):
    event = EventFactory()
    data = _form(client, event) | {"with_pledge": "on", "country": "KE"}
    client.post(f"/en/events/{event.slug}/register/", data)
    registration = Registration.objects.get()
    assert registration.pledge is not None
    assert registration.pledge.status == Pledge.Status.PENDING
    assert registration.pledge.email == "amani@example.org"


def test_the_pledge_needs_a_country(client):
    event = EventFactory()
    data = _form(client, event) | {"with_pledge": "on"}
    response = client.post(f"/en/events/{event.slug}/register/", data)
    assert response.status_code == 400
    assert "Choose your country to take the pledge." in response.content.decode()
    assert not Registration.objects.exists()


def test_a_confirmed_pledger_registers_in_one_click(client):
    pledge = ConfirmedPledgeFactory()
    session = client.session
    session[SESSION_KEY] = pledge.pk
    session.save()
    event = EventFactory()
    assert "Register as" in client.get(f"/en/events/{event.slug}/").content.decode()
    response = client.post(f"/en/events/{event.slug}/register/", {"one_click": "1"})
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.pledge_id == pledge.pk


def test_registering_for_a_cancelled_event_is_refused_with_a_message(client):
    event = EventFactory(status="cancelled")
    response = client.post(f"/en/events/{event.slug}/register/", _form(client, event))
    assert response.status_code == 400
    assert "This event was cancelled: registration is closed." in response.content.decode()
    assert not Registration.objects.exists()


def test_the_online_link_is_shown_only_to_a_confirmed_registrant(client):
    event = EventFactory(kind="online", online_url="https://meet.example.org/secret-room")
    assert "secret-room" not in client.get(f"/en/events/{event.slug}/").content.decode()
    public = Calendar.from_ical(client.get(f"/en/events/{event.slug}/event.ics").content)
    assert "secret-room" not in str(public.walk("VEVENT")[0]["DESCRIPTION"])
    person = registration(event, email="p@example.org")
    assert "secret-room" in client.get(f"/en/events/registration/{person.token}/").content.decode()
    own = Calendar.from_ical(client.get(f"/en/events/registration/{person.token}/event.ics").content)
    assert "https://meet.example.org/secret-room" in str(own.walk("VEVENT")[0]["DESCRIPTION"])


def test_the_venue_is_shown_at_the_chosen_precision(client):
    event = EventFactory(precision="city", venue="Room 12, 4 Secret Street")
    body = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "Secret Street" not in body
    assert "Nairobi, Kenya" in body


def test_cancelling_tells_everyone_registered(client):
    from tests.factories import MembershipFactory

    event = EventFactory()
    member = MembershipFactory(role="admin").user
    event.partner = member.partner_memberships.get().partner
    event.save()
    registration(event, email="a@example.org", language="fr")
    registration(event, email="b@example.org", status=Registration.Status.WAITLISTED)
    client.force_login(member)
    client.post(f"/en/events/manage/{event.slug}/cancel/")
    event.refresh_from_db()
    assert event.status == "cancelled"
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    french = next(m for m in mail.outbox if m.to[0] == "a@example.org")
    assert french.extra_headers["Content-Language"] == "fr"


def test_check_in_by_the_organiser_marks_attendance(client):
    from tests.factories import MembershipFactory

    membership = MembershipFactory(role="member")
    event = EventFactory(partner=membership.partner)
    person = registration(event, email="amani@example.org", name="Amani Otieno")
    registration(event, email="other@example.org", name="Baraka")
    client.force_login(membership.user)
    page = client.get(f"/en/events/manage/{event.slug}/check-in/?q=amani")
    assert "Amani Otieno" in page.content.decode()
    assert "Baraka" not in page.content.decode()
    assert len(page.content) < 40_000  # a small page for a phone on a poor connection
    client.post(f"/en/events/manage/{event.slug}/check-in/", {"registration": person.pk, "q": "amani"})
    person.refresh_from_db()
    assert person.checked_in_at is not None
    manage = client.get("/en/events/manage/").content.decode()
    assert event.title in manage


def test_another_partner_cannot_check_in_people(client):
    from tests.factories import MembershipFactory

    event = EventFactory(partner=MembershipFactory().partner)
    person = registration(event, email="amani@example.org")
    client.force_login(MembershipFactory().user)
    assert client.post(f"/en/events/manage/{event.slug}/check-in/", {"registration": person.pk}).status_code == 404
    person.refresh_from_db()
    assert person.checked_in_at is None


def _event_post(**over):
    data = {
        "title": "Campus launch",
        "description": "Join us.",
        "kind": "campus_launch",
        "pillar": "violence",
        "timezone": "Europe/Paris",
        "country": "FR",
        "city": "Lyon",
        "venue": "Amphi A",
        "precision": "city",
        "online_url": "",
        "capacity": "40",
        "start_local": "2099-03-30T10:00",
        "end_local": "2099-03-30T12:00",
        "language_codes": ["fr", "en"],
        "title_fr": "Lancement sur le campus",
    }
    return data | over


def test_a_partner_member_creates_an_event_in_its_own_time_zone(client):
    import datetime as dt

    from events.models import Event
    from tests.factories import MembershipFactory

    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.post("/en/events/manage/new/", _event_post())
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.partner == membership.partner
    assert event.starts_at == dt.datetime(2099, 3, 30, 8, 0, tzinfo=dt.UTC)  # 10:00 in Paris, summer time
    assert event.languages == "fr,en"
    assert event.translations == {"fr": {"title": "Lancement sur le campus", "description": ""}}
    assert "Lancement sur le campus" in client.get(f"/fr/events/{event.slug}/").content.decode()


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"timezone": "Europe/Atlantis"}, "is not a time zone"),
        ({"end_local": "2099-03-30T09:00"}, "The event must end after it starts."),
        ({"start_local": "2099-03-29T02:30", "end_local": "2099-03-29T04:00"}, "does not exist in Europe/Paris"),
    ],
)
def test_bad_event_input_is_refused_with_a_message_and_the_form_kept(client, over, message):
    from events.models import Event
    from tests.factories import MembershipFactory

    client.force_login(MembershipFactory().user)
    response = client.post("/en/events/manage/new/", _event_post(**over))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'value="Campus launch"' in body
    assert not Event.objects.exists()


def test_changing_the_time_tells_everyone_with_a_new_calendar_file(client):
    from tests.factories import MembershipFactory

    membership = MembershipFactory()
    client.force_login(membership.user)
    client.post("/en/events/manage/new/", _event_post())
    from events.models import Event

    event = Event.objects.get()
    registration(event, email="a@example.org", language="es")
    mail.outbox.clear()
    client.post(
        f"/en/events/manage/{event.slug}/", _event_post(start_local="2099-03-30T11:00", end_local="2099-03-30T13:00")
    )
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert mail.outbox[0].subject.startswith("Cambio")
    cal = Calendar.from_ical(mail.outbox[0].attachments[0][1])
    start = cal.walk("VEVENT")[0]["DTSTART"].dt
    assert (start.hour, str(start.tzinfo)) == (11, "Europe/Paris")


def test_a_pledge_taken_with_the_registration_is_attributed_to_the_event(client):
    event = EventFactory(slug="nairobi")
    data = _form(client, event) | {"with_pledge": "on", "country": "KE"}
    client.post(f"/en/events/{event.slug}/register/", data)
    assert Registration.objects.get().pledge.source_code == "event-nairobi"


def test_an_event_with_a_long_title_gets_a_slug_its_tracked_code_fits(client):
    from events.models import Event
    from pledges.attribution import clean_source
    from tests.factories import MembershipFactory

    client.force_login(MembershipFactory().user)
    title = "The national launch of HeForShe with the President and every university of the country"
    assert client.post("/en/events/manage/new/", _event_post(title=title)).status_code == 302
    event = Event.objects.get()
    assert clean_source(event.source_code) == event.source_code
