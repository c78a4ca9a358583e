"""Champion profiles: pages, portraits without metadata, reviewed statements, invitations, leaderboard."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from champions import selectors, services
from champions.models import Champion, Revision
from heforshe.models import LogEntry
from heforshe.roles import PARTNERSHIPS
from tests.champions.factories import ChampionFactory, jpeg_with_exif
from tests.factories import UserFactory, staff_user

pytestmark = pytest.mark.django_db


def test_the_list_groups_published_champions_by_kind(client):
    ChampionFactory(name="Published Person", kind="ceo")
    ChampionFactory(name="Hidden Person", is_published=False)
    body = client.get("/en/champions/").content.decode()
    assert "Published Person" in body
    assert "Chief executive" in body
    assert "Hidden Person" not in body


def test_the_page_shows_the_statement_in_the_visitors_language_with_english_fallback(client):
    champion = ChampionFactory(statement="Equality now.", statements={"fr": "L'égalité maintenant."})
    assert "L&#x27;égalité maintenant." in client.get(f"/fr/champions/{champion.slug}/").content.decode()
    assert "Equality now." in client.get(f"/es/champions/{champion.slug}/").content.decode()


def test_the_page_carries_the_tracked_link_and_the_reach(client):
    champion = ChampionFactory(slug="amina")
    body = client.get(f"/en/champions/{champion.slug}/").content.decode()
    assert "/en/pledge/?source=champion-amina" in body
    assert re.search(r"<strong data-reach [^>]*>0</strong>", body)


def test_an_unpublished_champion_is_not_found(client):
    champion = ChampionFactory(is_published=False)
    assert client.get(f"/en/champions/{champion.slug}/").status_code == 404


def test_the_portrait_is_re_encoded_without_metadata():
    staff = staff_user(PARTNERSHIPS)
    champion = ChampionFactory.build(slug="portrait-person")
    upload = SimpleUploadedFile("me.jpg", jpeg_with_exif(), "image/jpeg")
    services.champion_save(champion=champion, user=staff, portrait=upload)
    with champion.portrait.open("rb") as fh, Image.open(fh) as im:
        assert im.format == "JPEG"
        assert im.size == (800, 800)
        assert not im.getexif()
        assert "exif" not in im.info


def test_a_file_that_is_not_a_photo_is_refused_as_portrait():
    champion = ChampionFactory.build(slug="bad-portrait")
    upload = SimpleUploadedFile("me.jpg", b"<svg onload=alert(1)></svg>", "image/jpeg")
    with pytest.raises(ValidationError) as info:
        services.champion_save(champion=champion, user=None, portrait=upload)
    assert info.value.message_dict["portrait"] == ["Upload a JPEG, PNG or WebP photo."]


@pytest.mark.parametrize(
    "text", ["<script>alert(1)</script>", "Hello <img src=x onerror=alert(1)>", "javascript:alert(1)"]
)
def test_a_statement_with_script_is_refused(text):
    champion = ChampionFactory.build(slug="scripted", statement=text)
    with pytest.raises(ValidationError) as info:
        services.champion_save(champion=champion, user=None)
    assert "plain text" in info.value.message_dict["statement"][0]
    assert not Champion.objects.filter(slug="scripted").exists()


def test_a_thematic_champion_needs_a_pillar():
    champion = ChampionFactory.build(slug="thematic", kind="thematic", pillar="")
    with pytest.raises(ValidationError):
        services.champion_save(champion=champion, user=None)


def _invite(champion, capture, email="amina@example.org"):
    staff = staff_user(PARTNERSHIPS)
    with capture(execute=True):
        services.invitation_create(champion=champion, email=email, language="fr", invited_by=staff)
    return re.search(r"https?://\S+/invitations/(\S+)/", mail.outbox[-1].body).group(1)


def test_an_invited_champion_creates_an_account_and_proposes_a_statement_that_waits_for_review(
    client, django_capture_on_commit_callbacks
):
    champion = ChampionFactory(statement="Old words.")
    token = _invite(champion, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].extra_headers["Content-Language"] == "fr"
    response = client.post(
        f"/en/champions/invitations/{token}/",
        {"password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
    )
    assert response.status_code == 302
    champion.refresh_from_db()
    assert champion.user.email == "amina@example.org"
    client.post("/en/champions/mine/", {"language": "en", "statement": "New words.", "video_url": ""})
    champion.refresh_from_db()
    assert champion.statement == "Old words."  # not live before review
    revision = Revision.objects.get()
    assert revision.status == Revision.Status.PENDING
    services.revision_review(revision_id=revision.pk, approve=True, user=staff_user(PARTNERSHIPS))
    champion.refresh_from_db()
    assert champion.statement == "New words."
    assert LogEntry.objects.filter(action="champions.revision.approved").count() == 1


def test_an_invitation_used_twice_is_refused_with_a_message(client, django_capture_on_commit_callbacks):
    champion = ChampionFactory()
    token = _invite(champion, django_capture_on_commit_callbacks)
    client.post(
        f"/en/champions/invitations/{token}/",
        {"password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
    )
    client.logout()
    again = client.get(f"/en/champions/invitations/{token}/")
    assert again.status_code == 410
    assert "This invitation was already used." in again.content.decode()


def test_a_rejected_revision_leaves_the_live_statement_and_the_text_is_kept():
    user = UserFactory()
    champion = ChampionFactory(user=user, statement="Live words.")
    revision = services.revision_submit(champion=champion, user=user, language="ar", statement="كلمات جديدة")
    services.revision_review(revision_id=revision.pk, approve=False, user=staff_user(PARTNERSHIPS), note="Shorter")
    champion.refresh_from_db()
    assert champion.statements == {}
    assert Revision.objects.get().statement == "كلمات جديدة"


def test_someone_else_cannot_propose_changes(client):
    champion = ChampionFactory(user=UserFactory())
    intruder = UserFactory()
    with pytest.raises(ValidationError):
        services.revision_submit(champion=champion, user=intruder, language="en", statement="Mine now")
    client.force_login(intruder)
    assert client.get("/en/champions/mine/").status_code == 403


def test_the_leaderboard_lists_only_champions_who_opted_in(client):
    ChampionFactory(name="Ranked Person", on_leaderboard=True)
    ChampionFactory(name="Private Person", on_leaderboard=False)
    names = [row["champion"].name for row in selectors.leaderboard()]
    assert names == ["Ranked Person"]


def test_staff_see_reach_per_champion_audience_country_and_pillar(client):
    ChampionFactory(name="Amina", audience="students", pillar="violence")
    client.force_login(staff_user(PARTNERSHIPS))
    body = client.get("/en/champions/staff/").content.decode()
    assert "Amina" in body
    assert "Students" in body
    assert "Ending violence against women" in body
    assert "?source=champion-" in body


def test_the_share_image_is_a_png_card():
    from django.test import Client

    champion = ChampionFactory(statements={"ar": "المساواة للجميع"})
    response = Client().get(f"/ar/champions/{champion.slug}/share.png")
    assert response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as im:
        assert im.size == (1200, 630)


def test_staff_create_a_champion_in_the_admin_and_a_scripted_statement_is_refused_there(client):
    from heforshe.roles import PARTNERSHIPS

    client.force_login(staff_user(PARTNERSHIPS))
    data = {
        "name": "Leila",
        "slug": "leila",
        "kind": "influencer",
        "pillar": "",
        "role": "Singer",
        "audience": "youth",
        "country": "MA",
        "statement": "<script>alert(1)</script>",
        "statements": "{}",
        "video_url": "",
    }
    response = client.post("/admin/champions/champion/add/", data)
    assert response.status_code == 200
    assert "plain text" in response.content.decode()
    assert not Champion.objects.exists()
    data["statement"] = "Equality is a song we sing together."
    data["statements"] = '{"ar": "المساواة أغنية نغنيها معًا"}'
    data["portrait_upload"] = SimpleUploadedFile("me.jpg", jpeg_with_exif(), "image/jpeg")
    response = client.post("/admin/champions/champion/add/", data)
    assert response.status_code == 302
    champion = Champion.objects.get()
    assert champion.statement_in("ar") == "المساواة أغنية نغنيها معًا"
    assert champion.portrait


def test_an_invitation_used_twice_is_refused_in_the_visitors_language(client, django_capture_on_commit_callbacks):
    champion = ChampionFactory()
    token = _invite(champion, django_capture_on_commit_callbacks)
    client.post(
        f"/fr/champions/invitations/{token}/",
        {"password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
    )
    client.logout()
    again = client.get(f"/fr/champions/invitations/{token}/")
    assert again.status_code == 410
    assert "Cette invitation a déjà été utilisée." in again.content.decode()


def test_a_stale_copy_of_a_champion_invitation_cannot_be_accepted_again():
    champion = ChampionFactory()
    invitation = services.invitation_create(
        champion=champion, email="twice@example.org", language="en", invited_by=None
    )
    stale = type(invitation).objects.get(pk=invitation.pk)
    user = UserFactory(email="twice@example.org")
    services.invitation_accept(invitation=invitation, user=user)
    with pytest.raises(ValidationError, match="already used"):
        services.invitation_accept(invitation=stale, user=user)


def test_a_slug_too_long_for_the_tracked_code_is_refused():
    champion = ChampionFactory.build(slug="a" * 40)
    with pytest.raises(ValidationError) as info:
        services.champion_save(champion=champion, user=None)
    assert "Keep the slug to 31 characters" in info.value.message_dict["slug"][0]
