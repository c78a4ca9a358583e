"""Who may take part (double opt-in or a pledger's session), and hostile input rendered harmless."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from solutions.models import Participant, Solution
from solutions.views import SESSION_KEY
from tests.solutions.factories import ChallengeFactory, ParticipantFactory, SolutionFactory
from tests.solutions.test_supports import signed_in

pytestmark = pytest.mark.django_db

JOIN = {"first_name": "Nadia", "email": "nadia@example.org", "country": "MA", "website": "", "started": ""}


def _started():
    from pledges.abuse import form_started_token

    return form_started_token()


def test_anyone_verifies_an_email_with_a_double_opt_in(mailoutbox, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/solutions/join/", {**JOIN, "started": _started()})
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    person = Participant.objects.get()
    assert person.status == Participant.Status.PENDING
    (mail,) = mailoutbox
    link = re.search(r"http\S+/solutions/join/\S+/", mail.body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200
    assert Participant.objects.get().status == Participant.Status.PENDING  # a mail scanner's GET confirms nothing
    assert client.post(path).status_code == 302
    assert Participant.objects.get().status == Participant.Status.CONFIRMED
    assert client.session[SESSION_KEY] == person.pk


def test_a_forged_link_is_refused():
    assert Client().get("/en/solutions/join/forged-token/").status_code == 404


def test_proposing_without_a_verified_email_leads_to_the_opt_in():
    challenge = ChallengeFactory()
    response = Client().get(f"/en/solutions/c/{challenge.slug}/propose/")
    assert response.status_code == 302
    assert response["Location"] == "/en/solutions/join/"
    pending = ParticipantFactory(status=Participant.Status.PENDING, confirmed_at=None)
    assert signed_in(pending).get(f"/en/solutions/c/{challenge.slug}/propose/").status_code == 302


def test_the_honeypot_and_the_minimum_fill_time_stop_robots(settings):
    settings.SOLUTIONS_MIN_FILL_SECONDS = 3
    response = Client().post("/en/solutions/join/", {**JOIN, "started": _started()})
    assert response.status_code == 400
    assert "faster than a person" in response.content.decode()
    settings.SOLUTIONS_MIN_FILL_SECONDS = 0
    response = Client().post("/en/solutions/join/", {**JOIN, "website": "http://spam.example"})
    assert response.status_code == 400
    assert Participant.objects.count() == 0


def _propose(client, challenge, **fields):
    data = {
        "title": "Night buses",
        "body": "Safe buses",
        "language": "en",
        "country": "KE",
        "town": "Nairobi",
        "pseudonym": "",
        "website": "",
        "started": _started(),
        **fields,
    }
    return client.post(f"/en/solutions/c/{challenge.slug}/propose/", data)


def test_script_html_and_tracking_pixels_are_rendered_harmless():
    challenge = ChallengeFactory()
    body = (
        "<script>alert(1)</script> **ok** <img src=https://tracker.example/p.gif> "
        "![pixel](https://tracker.example/q.gif) [x](javascript:alert(1)) [site](https://example.org) "
        '<a href="https://evil.example" onclick="steal()">a</a>'
    )
    response = _propose(signed_in(ParticipantFactory()), challenge, body=body)
    assert response.status_code == 302
    solution = Solution.objects.get()
    assert solution.body == body.strip()  # what was posted is kept as written
    html = solution.body_html
    assert "<script" not in html and "<img" not in html
    assert not re.search(r"<[^>]*onclick", html)
    assert 'href="javascript' not in html
    assert '<a href="https://example.org" rel="nofollow noopener ugc">site</a>' in html
    assert "<strong>ok</strong>" in html
    page = Client().get(f"/en/solutions/{solution.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert '<img src="https://tracker.example' not in page and "<img src=https://tracker" not in page


def test_an_oversized_text_gets_a_clear_error_and_the_text_back():
    challenge = ChallengeFactory()
    response = _propose(signed_in(ParticipantFactory()), challenge, body="x" * 8001)
    assert response.status_code == 400
    assert "at most 8000 characters" in response.content.decode()
    assert "x" * 8001 in response.content.decode()  # nothing typed is lost
    assert Solution.objects.count() == 0


def test_an_oversized_comment_is_refused_clearly():
    solution = SolutionFactory()
    response = signed_in(ParticipantFactory()).post(
        f"/en/solutions/{solution.pk}/comment/", {"body": "y" * 3001, "started": _started()}
    )
    assert response.status_code == 400
    assert "at most 3,000 characters" in response.content.decode()


def test_a_language_outside_the_challenge_and_a_fake_photo_are_refused():
    from django.core.files.uploadedfile import SimpleUploadedFile

    challenge = ChallengeFactory(languages=["en"])
    client = signed_in(ParticipantFactory())
    assert _propose(client, challenge, language="fr").status_code == 400
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = _propose(client, challenge, photo=fake)
    assert response.status_code == 400
    assert "This file is not a photo" in response.content.decode()


def test_a_real_photo_goes_through_the_safe_image_pipeline(django_capture_on_commit_callbacks):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (200, 30, 90)).save(buffer, format="JPEG")
    challenge = ChallengeFactory()
    upload = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        assert _propose(signed_in(ParticipantFactory()), challenge, photo=upload).status_code == 302
    solution = Solution.objects.get()
    assert solution.photo_status == "ready"
    with Image.open(solution.photo.path) as im:
        assert im.format == "JPEG"
        assert im.width == 1200
        assert not im.getexif()


def test_a_country_challenge_takes_solutions_placed_in_its_country():
    challenge = ChallengeFactory(scope="country", country="KE")
    assert _propose(signed_in(ParticipantFactory()), challenge, country="UG").status_code == 400
    assert _propose(signed_in(ParticipantFactory()), challenge, country="KE").status_code == 302
