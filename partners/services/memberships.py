"""Who acts for a partner: memberships and the invitations that create them."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from heforshe.lib import invitations
from heforshe.lib.invitations import PENDING as PENDING_MESSAGE
from heforshe.lib.invitations import Lookup as InvitationLookup
from heforshe.lib.mail import send_templated
from heforshe.lib.tasks import dispatch_on_commit
from partners.models import (
    Partner,
    PartnerInvitation,
    PartnerMembership,
)

logger = logging.getLogger(__name__)

INVITATION_FLOW = invitations.InvitationFlow(
    model=PartnerInvitation,
    salt="partners.invitation",
    url_name="partners:invitation",
    max_age=lambda: dt.timedelta(days=settings.PARTNERS_INVITATION_MAX_AGE_DAYS),
    select_related=("partner",),
)


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


_normalise_email = invitations.normalise_email
invitation_token = INVITATION_FLOW.token
invitation_url = INVITATION_FLOW.url


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


def invitation_from_token(token: str) -> InvitationLookup:
    return INVITATION_FLOW.lookup(token)


@transaction.atomic
def invitation_accept(*, invitation: PartnerInvitation, user) -> PartnerMembership:
    """Link `user` to the invitation's partner. The link can be used once.

    Following the emailed link proves control of the address, so it is
    marked verified (allauth would otherwise ask to confirm it again).
    """
    INVITATION_FLOW.check_address(invitation, user)
    other = PartnerMembership.objects.filter(user=user).exclude(partner=invitation.partner_id).exists()
    if other:
        raise ValidationError(
            _(
                "Your account already acts for another organisation, and an account acts for one only. "
                "Ask the HeForShe Partnerships team to move it, or accept with another address."
            )
        )
    INVITATION_FLOW.claim(invitation, user)
    membership = membership_set(user=user, partner=invitation.partner, role=invitation.role)
    if membership.language != invitation.language:
        membership.language = invitation.language
        membership.save(update_fields=["language"])
    return membership


@transaction.atomic
def invitation_accept_new_user(*, invitation: PartnerInvitation, password: str):
    """Create the invitee's account (verified email) and accept the invitation."""
    user = invitations.create_account(email=invitation.email, password=password)
    invitation_accept(invitation=invitation, user=user)
    return user
