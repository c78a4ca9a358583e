"""Sending a newsletter in batches to the opted-in segment, through a local SMTP server."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from newsletters import segments, services
from newsletters.models import Delivery, Newsletter, Preference, Suppression
from tests.newsletters.factories import newsletter, subscriber
from tests.pledges.factories import ConfirmedPledgeFactory, PledgeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _send_all(item) -> None:
    assert services.newsletter_start(newsletter_id=item.pk)
    # Eager tasks chain batch after batch in-process until nobody waits.


def test_only_confirmed_opted_in_people_get_it(smtp):
    wanted = subscriber(email="yes@example.org", email_canonical="yes@example.org")
    ConfirmedPledgeFactory(newsletter=False, email="no@example.org")
    PledgeFactory(newsletter=True, email="pending@example.org")
    _send_all(newsletter())
    assert smtp.recorder.recipients() == [wanted.email]


def test_every_message_is_bulk_with_one_click_unsubscribe(smtp):
    subscriber()
    _send_all(newsletter())
    message = smtp.recorder.messages[0].message
    assert message["Precedence"] == "bulk"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip("<>")
    assert url.startswith("https://heforshe.example/en/newsletters/unsubscribe/")
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert url in html and url in text


def test_it_reads_in_his_language_and_falls_back_to_english_only_if_he_agreed(smtp):
    fr = subscriber(language="fr", email="fr@example.org", email_canonical="fr@example.org")
    ru = subscriber(language="ru", email="ru@example.org", email_canonical="ru@example.org")
    ru_ok = subscriber(language="ru", email="ru2@example.org", email_canonical="ru2@example.org")
    Preference.objects.create(pledge=ru_ok, english_fallback=True)
    item = newsletter(languages=("en", "fr"))
    assert segments.count(item) == {"total": 2, "by_language": {"fr": 1, "en": 1}, "no_translation": 1}
    _send_all(item)
    got = {m.rcpt_tos[0]: (m.message["Content-Language"], m.message["Subject"]) for m in smtp.recorder.messages}
    assert got == {fr.email: ("fr", "News fr"), ru_ok.email: ("en", "News en")}
    assert ru.email not in got


def test_the_segment_narrows_by_country_and_language(smtp):
    subscriber(country="KE", email="ke@example.org", email_canonical="ke@example.org")
    subscriber(country="FR", email="fr@example.org", email_canonical="fr@example.org")
    item = newsletter(countries=["KE"])
    assert segments.count(item)["total"] == 1


def test_a_segment_that_matches_nobody_is_refused_and_stays_a_draft(smtp):
    subscriber(country="FR")
    item = newsletter(countries=["KE"])
    with pytest.raises(ValidationError, match="reaches nobody"):
        services.newsletter_start(newsletter_id=item.pk)
    assert Newsletter.objects.get(pk=item.pk).status == Newsletter.Status.DRAFT


def test_a_send_started_twice_sends_once(smtp):
    for _ in range(3):
        subscriber()
    item = newsletter()
    assert services.newsletter_start(newsletter_id=item.pk) is True
    assert services.newsletter_start(newsletter_id=item.pk) is False
    assert len(smtp.recorder.recipients()) == 3
    assert Newsletter.objects.get(pk=item.pk).status == Newsletter.Status.SENT


def test_script_in_the_body_never_reaches_anyone(smtp):
    subscriber()
    item = newsletter(languages=())
    services.translation_save(
        newsletter=item, language="en", subject="S", body='<p onclick="x()">Hi</p><script>alert(1)</script><img src=x>'
    )
    _send_all(item)
    html = smtp.recorder.messages[0].message.get_body(("html",)).get_content()
    assert "alert" not in html and "onclick" not in html and "<img" not in html
    assert "<p>Hi</p>" in html


def test_a_suppressed_address_is_skipped(smtp):
    gone = subscriber(email="gone@example.org", email_canonical="gone@example.org")
    subscriber(email="here@example.org", email_canonical="here@example.org")
    services.suppression_add(email=gone.email, reason=Suppression.Reason.BOUNCED, source="test")
    _send_all(newsletter())
    assert smtp.recorder.recipients() == ["here@example.org"]


def test_a_mailbox_the_server_refuses_is_failed_and_suppressed(smtp):
    subscriber(email="nobody@example.org", email_canonical="nobody@example.org")
    subscriber(email="here@example.org", email_canonical="here@example.org")
    smtp.recorder.refuse.add("nobody@example.org")
    item = newsletter()
    _send_all(item)
    assert smtp.recorder.recipients() == ["here@example.org"]
    assert Delivery.objects.get(newsletter=item, email="nobody@example.org").status == Delivery.Status.FAILED
    assert Suppression.objects.get(email_canonical="nobody@example.org").reason == Suppression.Reason.REFUSED


def test_an_unsubscribed_pledger_is_left_out(smtp):
    him = subscriber()
    services.unsubscribe(pledge_id=him.pk)
    subscriber(email="stay@example.org", email_canonical="stay@example.org")
    _send_all(newsletter())
    assert smtp.recorder.recipients() == ["stay@example.org"]


def test_a_topic_he_unticked_is_not_sent_to_him(smtp):
    him = subscriber()
    services.preferences_save(pledge_id=him.pk, language="en", topics=["events"], english_fallback=False)
    assert segments.count(newsletter(topic="news"))["total"] == 0
    assert segments.count(newsletter(topic="events"))["total"] == 1


def _six_waiting(settings):
    for i in range(6):
        subscriber(email=f"p{i}@example.org", email_canonical=f"p{i}@example.org")
    item = newsletter()
    settings.NEWSLETTER_BATCH_SIZE = 6
    from heforshe.celery import app

    app.conf.task_always_eager = False  # rows made, no batch run: the test drives the batches
    try:
        services.newsletter_start(newsletter_id=item.pk)
    finally:
        app.conf.task_always_eager = True
    return item


def _drop_connection_at(smtp, hook: str, nth: int):
    original = getattr(smtp.recorder, hook)
    calls = {"n": 0}

    async def flaky(server, session, envelope, *args):
        calls["n"] += 1
        if calls["n"] == nth:
            server.transport.close()
            return "421 closing"
        return await original(server, session, envelope, *args)

    setattr(smtp.recorder, hook, flaky)
    return lambda: setattr(smtp.recorder, hook, original)


def test_a_mail_server_that_goes_away_mid_batch_leaves_the_rest_waiting(smtp, settings):
    item = _six_waiting(settings)
    restore = _drop_connection_at(smtp, "handle_RCPT", 4)
    with pytest.raises(OSError):  # noqa: PT011 - any network error, as the task sees it
        services.newsletter_send_batch(newsletter_id=item.pk)
    assert services.delivery_counts(newsletter_id=item.pk) == {"sent": 3, "pending": 3}
    restore()
    services.newsletter_send_batch(newsletter_id=item.pk)
    assert sorted(smtp.recorder.recipients()) == [f"p{i}@example.org" for i in range(6)]
    assert Newsletter.objects.get(pk=item.pk).status == Newsletter.Status.SENT


def test_a_message_whose_acceptance_never_came_back_is_unknown_and_never_sent_again(smtp, settings):
    item = _six_waiting(settings)
    restore = _drop_connection_at(smtp, "handle_DATA", 4)
    with pytest.raises(OSError):  # noqa: PT011
        services.newsletter_send_batch(newsletter_id=item.pk)
    restore()
    services.newsletter_send_batch(newsletter_id=item.pk)
    assert services.delivery_counts(newsletter_id=item.pk) == {"sent": 5, "unknown": 1}
    assert Delivery.objects.get(newsletter=item, status="unknown").email == "p3@example.org"
    assert sorted(smtp.recorder.recipients()) == [f"p{i}@example.org" for i in (0, 1, 2, 4, 5)]
