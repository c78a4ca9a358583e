from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import signing
from django.core.exceptions import ValidationError

from partners.models import PartnerInvitation, PartnerMembership
from partners.services import invitation_accept, invitation_create, invitation_revoke, invitation_token
from tests.factories import PASSWORD, UserFactory
from tests.partners.factories import partner_admin, university

pytestmark = pytest.mark.django_db


def _path(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+/partners/invitations/[^/\s]+/)", message.body).group(1)


def test_a_partner_admin_invites_in_the_invitees_language_after_commit(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    admin = partner_admin()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/en/partners/dashboard/invite/", {"email": "colleague@example.org", "role": "member", "language": "es"}
        )
    assert response.status_code == 302
    assert mailoutbox == [] and len(callbacks) == 1, "the email task waits for the commit"
    callbacks[0]()
    assert len(mailoutbox) == 1
    assert _path(mailoutbox[0]).startswith("/es/partners/invitations/")
    invitation = PartnerInvitation.objects.get()
    assert invitation.sent_at is not None and invitation.invited_by == admin
    assert 'lang="' in mailoutbox[0].alternatives[0][0]


def test_an_existing_account_signs_in_then_accepts(client, mailoutbox, django_capture_on_commit_callbacks):
    partner = university()
    user = UserFactory(email="existing@example.org", verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(partner=partner, email="existing@example.org", role="admin", language="en", invited_by=None)
    path = _path(mailoutbox[0])
    page = client.get(path).content.decode()
    assert "Sign in to accept" in page
    assert client.post(path).status_code == 403  # anonymous cannot accept for an existing account
    client.force_login(user)
    response = client.post(path)
    assert response.status_code == 302
    membership = PartnerMembership.objects.get(user=user)
    assert (membership.partner, membership.role) == (partner, "admin")
    assert EmailAddress.objects.get(user=user).verified, "following the emailed link proves the address"


def test_someone_else_signed_in_cannot_use_the_link(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            partner=university(), email="right@example.org", role="member", language="en", invited_by=None
        )
    client.force_login(UserFactory(email="wrong@example.org"))
    path = _path(mailoutbox[0])
    assert "another address" in client.get(path).content.decode()
    client.post(path)
    assert not PartnerMembership.objects.exists()
    assert PartnerInvitation.objects.get().accepted_at is None


def test_tampered_expired_and_revoked_links_are_refused(client, settings):
    invitation = invitation_create(
        partner=university(), email="x@example.org", role="member", language="en", invited_by=None
    )
    token = invitation_token(invitation)
    assert client.get(f"/en/partners/invitations/{token}x/").status_code == 404
    forged = signing.dumps([invitation.pk, "guessed-key"], salt="partners.invitation", compress=True)
    assert client.get(f"/en/partners/invitations/{forged}/").status_code == 404
    settings.PARTNERS_INVITATION_MAX_AGE_DAYS = -1
    assert "expired" in client.get(f"/en/partners/invitations/{token}/").content.decode()
    settings.PARTNERS_INVITATION_MAX_AGE_DAYS = 14
    invitation_revoke(invitation=invitation)
    response = client.post(f"/en/partners/invitations/{token}/", {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 404
    assert not PartnerMembership.objects.exists()


def test_a_link_is_used_once_even_when_two_accept_at_once():
    partner = university()
    invitation = invitation_create(
        partner=partner, email="twice@example.org", role="member", language="en", invited_by=None
    )
    user = UserFactory(email="twice@example.org")
    stale_copy = PartnerInvitation.objects.get(pk=invitation.pk)
    invitation_accept(invitation=invitation, user=user)
    with pytest.raises(ValidationError, match="already used"):
        invitation_accept(invitation=stale_copy, user=user)


def test_new_account_passwords_are_validated(client):
    invitation = invitation_create(
        partner=university(), email="weak@example.org", role="member", language="en", invited_by=None
    )
    path = f"/en/partners/invitations/{invitation_token(invitation)}/"
    response = client.post(path, {"password1": "123", "password2": "123"})
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    response = client.post(path, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert "differ" in response.content.decode()
    assert not PartnerMembership.objects.exists()


def test_one_pending_invitation_per_address_and_none_for_a_member_already():
    a, b = university(), university()
    admin_b = partner_admin(b)
    with pytest.raises(ValidationError, match=f"already a member of {b.name}"):
        invitation_create(partner=b, email=admin_b.email, role="member", language="en", invited_by=None)
    invitation_create(partner=a, email="new@example.org", role="member", language="en", invited_by=None)
    with pytest.raises(ValidationError, match="already waiting"):
        invitation_create(partner=a, email="NEW@example.org", role="admin", language="en", invited_by=None)


def test_the_admin_form_shows_invitation_errors(client, partnerships_user):
    partner = university()
    taken = partner_admin(partner)
    client.force_login(partnerships_user)
    response = client.post(
        "/admin/partners/partnerinvitation/add/",
        {"partner": partner.pk, "email": taken.email, "role": "member", "language": "en"},
    )
    assert response.status_code == 200
    assert f"This person is already a member of {partner.name}." in response.content.decode()
    assert not PartnerInvitation.objects.exists()


def test_staff_are_told_which_organisation_an_invitee_acts_for(client, partnerships_user):
    partner, other = university(), university(name="Other University")
    elsewhere = partner_admin(other)
    client.force_login(partnerships_user)
    response = client.post(
        "/admin/partners/partnerinvitation/add/",
        {"partner": partner.pk, "email": elsewhere.email, "role": "member", "language": "en"},
    )
    assert "This person already acts for Other University; each account acts for one organisation." in response.text
    assert not PartnerInvitation.objects.exists()


def _invite(client, email: str):
    response = client.post(
        "/en/partners/dashboard/invite/", {"email": email, "role": "member", "language": "en"}, follow=True
    )
    return response.redirect_chain, [str(m) for m in response.context["messages"]]


def test_a_partner_admin_learns_nothing_about_other_organisations_accounts(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    partner, other = university(), university()
    elsewhere = partner_admin(other, user__email="taken@example.org")
    UserFactory(email="free-account@example.org")
    client.force_login(partner_admin(partner))
    with django_capture_on_commit_callbacks(execute=True):
        answers = {
            email: _invite(client, email)
            for email in (elsewhere.email, "free-account@example.org", "nobody@example.org")
        }
    assert answers == {
        email: ([("/en/partners/dashboard/", 302)], [f"Invitation sent to {email}."]) for email in answers
    }
    assert sorted(m.to[0] for m in mailoutbox) == sorted(answers)
    assert PartnerMembership.objects.get(user=elsewhere).partner == other


def test_accepting_while_acting_for_another_organisation_explains_and_changes_nothing(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    partner, other = university(), university()
    elsewhere = partner_admin(other, user__email="taken@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(partner=partner, email=elsewhere.email, role="member", language="en", invited_by=None)
    client.force_login(elsewhere)
    response = client.post(_path(mailoutbox[0]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Your account already acts for another organisation, and an account acts for one only. "
        "Ask the HeForShe Partnerships team to move it, or accept with another address."
    ]
    assert PartnerMembership.objects.get(user=elsewhere).partner == other
    assert PartnerInvitation.objects.get().accepted_at is None


def test_staff_resend_and_revoke_from_the_admin(
    client, partnerships_user, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = invitation_create(
        partner=university(), email="again@example.org", role="member", language="ru", invited_by=None
    )
    client.force_login(partnerships_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/partners/partnerinvitation/", {"action": "resend", "_selected_action": [invitation.pk]})
    assert len(mailoutbox) == 1 and "/ru/partners/invitations/" in mailoutbox[0].body
    client.post("/admin/partners/partnerinvitation/", {"action": "revoke", "_selected_action": [invitation.pk]})
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_signing_in_through_allauth_comes_back_to_the_invitation(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    partner = university()
    UserFactory(email="verified@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(partner=partner, email="verified@example.org", role="member", language="en", invited_by=None)
    path = _path(mailoutbox[0])
    login_link = re.search(r'href="(/en/accounts/login/\?next=[^"]+)"', client.get(path).content.decode()).group(1)
    response = client.post(login_link, {"login": "verified@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == path
    assert client.post(path).status_code == 302
    assert PartnerMembership.objects.get(user__email="verified@example.org").partner == partner


def test_a_partner_admin_withdraws_a_pending_invitation_of_their_own_only(client):
    admin = partner_admin()
    partner = admin.partner_memberships.get().partner
    mine = invitation_create(partner=partner, email="mine@example.org", role="member", language="en", invited_by=admin)
    theirs = invitation_create(
        partner=university(), email="t@example.org", role="member", language="en", invited_by=None
    )
    client.force_login(admin)
    assert client.post(f"/en/partners/dashboard/invitations/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/en/partners/dashboard/invitations/{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert client.get(f"/en/partners/invitations/{invitation_token(mine)}/").status_code == 404


def test_the_partner_admin_page_links_to_an_invitation_for_it(client, partnerships_user):
    partner = university()
    client.force_login(partnerships_user)
    html = client.get(f"/admin/partners/partner/{partner.pk}/change/").content.decode()
    assert f"/admin/partners/partnerinvitation/add/?partner={partner.pk}" in html
    form = client.get(f"/admin/partners/partnerinvitation/add/?partner={partner.pk}").context["adminform"].form
    assert str(form.initial["partner"]) == str(partner.pk)


def test_a_used_link_says_so_in_the_invitees_language(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(partner=university(), email="once@example.org", role="member", language="es", invited_by=None)
    path = _path(mailoutbox[0])
    assert client.post(path, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 302
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "Esta invitación ya se utilizó." in again.content.decode()
