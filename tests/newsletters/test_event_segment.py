"""The event-registrant segment: confirmed registrants of chosen events, or of a partner's events,
who also opted into the newsletter, each in the language he reads."""

from __future__ import annotations

import pytest

from events.models import Registration
from newsletters import segments, services
from tests.events.factories import EventFactory, registration
from tests.newsletters.factories import newsletter, subscriber
from tests.partners.factories import university
from tests.pledges.factories import ConfirmedPledgeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _emails(item) -> set[str]:
    return set(segments.recipients(item).filter(send_language__isnull=False).values_list("email", flat=True))


def test_only_confirmed_registrants_of_the_chosen_event_who_opted_in_are_reached():
    launch, other = EventFactory(), EventFactory()
    yes = subscriber(email="yes@example.org", email_canonical="yes@example.org")
    registration(launch, email="yes@example.org")
    no_consent = ConfirmedPledgeFactory(newsletter=False, email="quiet@example.org")
    registration(launch, email=no_consent.email)
    waiting = subscriber(email="wait@example.org", email_canonical="wait@example.org")
    registration(launch, email=waiting.email, status=Registration.Status.WAITLISTED)
    elsewhere = subscriber(email="else@example.org", email_canonical="else@example.org")
    registration(other, email=elsewhere.email)
    registration(launch, email="nopledge@example.org")  # registered, never pledged: no consent at all
    assert _emails(newsletter(extra_segments={"events": [launch.pk]})) == {yes.email}


def test_the_registration_linked_to_his_pledge_counts_whatever_address_he_registered_with():
    event = EventFactory()
    him = subscriber(email="pledge@example.org", email_canonical="pledge@example.org")
    row = registration(event, email="other@example.org")
    Registration.objects.filter(pk=row.pk).update(pledge=him)
    assert _emails(newsletter(extra_segments={"events": [event.pk]})) == {him.email}


def test_registrants_of_any_event_of_a_partner_are_reached():
    partner = university()
    first, second, foreign = EventFactory(partner=partner), EventFactory(partner=partner), EventFactory()
    a = subscriber(email="a@example.org", email_canonical="a@example.org")
    b = subscriber(email="b@example.org", email_canonical="b@example.org")
    c = subscriber(email="c@example.org", email_canonical="c@example.org")
    registration(first, email=a.email)
    registration(second, email=b.email)
    registration(foreign, email=c.email)
    assert _emails(newsletter(extra_segments={"event_partners": [partner.pk]})) == {a.email, b.email}


def test_each_registrant_gets_it_in_the_language_he_reads(smtp):
    event = EventFactory()
    fr = subscriber(language="fr", email="fr@example.org", email_canonical="fr@example.org")
    registration(event, email=fr.email, language="en")
    item = newsletter(languages=("en", "fr"), extra_segments={"events": [event.pk]})
    assert segments.count(item) == {"total": 1, "by_language": {"fr": 1}, "no_translation": 0}
    assert services.newsletter_start(newsletter_id=item.pk)
    assert [(m.rcpt_tos, m.message["Content-Language"]) for m in smtp.recorder.messages] == [([fr.email], "fr")]


def test_the_admin_form_stores_the_chosen_events_in_the_segment():
    from newsletters.admin import NewsletterForm

    event = EventFactory()
    form = NewsletterForm(
        data={"name": "Launch follow-up", "topic": "events", "countries": "[]", "languages": "[]",
              "registered_events": [event.pk]}
    )  # fmt: skip
    assert form.is_valid(), form.errors
    assert form.save().extra_segments == {"events": [event.pk]}
