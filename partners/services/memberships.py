"""Who acts for a partner: memberships and the invitations that create them."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from heforshe.lib.mail import send_templated
from heforshe.lib.tasks import dispatch_on_commit
from partners.models import (
    Partner,
    PartnerInvitation,
    PartnerMembership,
)

logger = logging.getLogger(__name__)

INVITATION_SALT = "partners.invitation"


@transaction.atomic
def membership_set(*, user, partner: Partner, role: str = PartnerMembership.Role.MEMBER) -> PartnerMembership:
    membership, _created = PartnerMembership.objects.update_or_create(
        user=user, defaults={"partner": partner, "role": role}
    )
    return membership


def is_partner_admin(user, partner_id: int) -> bool:
    return PartnerMembership.objects.filter(
        user=user, partner_id=partner_id, role=PartnerMembership.Role.ADMIN, partner__is_active=True
    ).exists()


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def invitation_token(invitation: PartnerInvitation) -> str:
    return signing.dumps([invitation.pk, invitation.key], salt=INVITATION_SALT, compress=True)


def invitation_url(invitation: PartnerInvitation) -> str:
    with translation.override(invitation.language):
        path = reverse("partners:invitation", kwargs={"token": invitation_token(invitation)})
    return settings.SITE_URL + path


PENDING_MESSAGE = _("An invitation to this address is already waiting to be accepted.")


def invitation_check(*, partner: Partner, email: str) -> str:
    """The rules an inviter may learn the answer to; returns the normalised address.

    Refused: someone who already acts for `partner` (the inviter sees the team
    anyway) and a second pending invitation to the same address. Whether an
    address belongs to someone acting for *another* organisation is not
    checked here on purpose: answering it would let any partner admin probe
    which people work for which organisation. Like the sites that guard
    against account enumeration, the invitation is then sent as any other,
    and the invitee, who alone may know, is told on accepting it
    (`invitation_accept`). Partnerships staff, who see every membership, are
    told in the admin (`account_partner`).
    """
    email = _normalise_email(email)
    membership = (
        PartnerMembership.objects.filter(user__email__iexact=email, partner=partner).select_related("partner").first()
    )
    if membership:
        already = ValidationError(
            _("This person is already a member of %(partner)s."), params={"partner": partner.name}
        )
        raise ValidationError({"email": already})
    if PartnerInvitation.objects.filter(partner=partner, email=email, accepted_at=None, revoked_at=None).exists():
        raise ValidationError({"email": PENDING_MESSAGE})
    return email


def account_partner(*, email: str) -> Partner | None:
    """The organisation an account with this address acts for: for staff only, never for partners."""
    membership = (
        PartnerMembership.objects.filter(user__email__iexact=_normalise_email(email)).select_related("partner").first()
    )
    return membership.partner if membership else None


@transaction.atomic
def invitation_create(*, partner: Partner, email: str, role: str, language: str, invited_by) -> PartnerInvitation:
    """Invite someone to act for `partner`; the email goes out after commit.

    The answer is the same whether or not the address acts for another
    organisation (see `invitation_check`).
    """
    email = invitation_check(partner=partner, email=email)
    invitation = PartnerInvitation(partner=partner, email=email, role=role, language=language, invited_by=invited_by)
    invitation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:
        raise ValidationError({"email": PENDING_MESSAGE}) from exc
    from partners.tasks import send_invitation_task

    dispatch_on_commit(send_invitation_task, invitation_id=invitation.pk)
    return invitation


def invitation_resend(*, invitation: PartnerInvitation) -> None:
    if not invitation.is_pending:
        raise ValidationError(_("This invitation was already accepted or revoked."))
    from partners.tasks import send_invitation_task

    dispatch_on_commit(send_invitation_task, invitation_id=invitation.pk)


def invitation_revoke(*, invitation: PartnerInvitation) -> None:
    PartnerInvitation.objects.filter(pk=invitation.pk, accepted_at=None).update(revoked_at=timezone.now())


def invitation_send(*, invitation_id: int) -> bool:
    """Send (or re-send) the invitation email in the invitee's language. Idempotent enough:
    a repeated email carries the same valid link."""
    invitation = PartnerInvitation.objects.select_related("partner", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        logger.info("invitation %s is gone or no longer pending; not sending", invitation_id)
        return False
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "partner": invitation.partner,
            "url": invitation_url(invitation),
            "role": invitation.get_role_display(),
            "days": settings.PARTNERS_INVITATION_MAX_AGE_DAYS,
        }
    send_templated(
        to=[invitation.email], template="partners/emails/invitation", language=invitation.language, context=context
    )
    PartnerInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True


@dataclass(frozen=True)
class InvitationLookup:
    invitation: PartnerInvitation | None
    error: str = ""


def invitation_from_token(token: str) -> InvitationLookup:
    max_age = dt.timedelta(days=settings.PARTNERS_INVITATION_MAX_AGE_DAYS)
    try:
        pk, key = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return InvitationLookup(None, str(_("This invitation has expired. Ask for a new one.")))
    except (signing.BadSignature, ValueError, TypeError):
        return InvitationLookup(None, str(_("This invitation link is not valid.")))
    invitation = PartnerInvitation.objects.select_related("partner").filter(pk=pk, key=key).first()
    if invitation is None or invitation.revoked_at:
        return InvitationLookup(None, str(_("This invitation was withdrawn.")))
    if invitation.accepted_at:
        return InvitationLookup(invitation, str(_("This invitation was already used.")))
    return InvitationLookup(invitation)


@transaction.atomic
def invitation_accept(*, invitation: PartnerInvitation, user) -> PartnerMembership:
    """Link `user` to the invitation's partner. The link can be used once.

    Following the emailed link proves control of the address, so it is
    marked verified (allauth would otherwise ask to confirm it again).
    """
    if _normalise_email(user.email) != invitation.email:
        raise ValidationError(
            _("This invitation was sent to %(email)s; sign in with that address to accept it."),
            params={"email": invitation.email},
        )
    other = PartnerMembership.objects.filter(user=user).exclude(partner=invitation.partner_id).exists()
    if other:
        raise ValidationError(
            _(
                "Your account already acts for another organisation, and an account acts for one only. "
                "Ask the HeForShe Partnerships team to move it, or accept with another address."
            )
        )
    claimed = PartnerInvitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    if not claimed:
        raise ValidationError(_("This invitation was already used."))
    membership = membership_set(user=user, partner=invitation.partner, role=invitation.role)
    if membership.language != invitation.language:
        membership.language = invitation.language
        membership.save(update_fields=["language"])
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email__iexact=invitation.email, defaults={"email": invitation.email, "primary": True}
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    return membership


@transaction.atomic
def invitation_accept_new_user(*, invitation: PartnerInvitation, password: str):
    """Create the invitee's account (verified email) and accept the invitation."""
    User = get_user_model()
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("An account with this address exists already: sign in to accept."))
    user = User(username=invitation.email[:150], email=invitation.email)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
    invitation_accept(invitation=invitation, user=user)
    return user
