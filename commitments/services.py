"""Writes of the Commitments app. Views, the API and the admin all come through here."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from commitments.models import HEX_COLOUR, ApiSignup, ApiToken, CommitmentsPage, EmbedOrigin, PartnerDomain, Review
from heforshe.lib.audit import log_action

# Addresses anyone can open: a domain of these proves no membership of anything.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.fr", "yahoo.co.uk", "ymail.com", "outlook.com",
        "hotmail.com", "hotmail.fr", "live.com", "msn.com", "icloud.com", "me.com", "mac.com", "aol.com",
        "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "mail.ru", "yandex.ru", "yandex.com", "qq.com",
        "163.com", "126.com", "sina.com", "protonmail.com", "proton.me", "pm.me", "zoho.com", "fastmail.com",
        "tutanota.com", "orange.fr", "free.fr", "laposte.net", "rediffmail.com", "naver.com",
    }
)  # fmt: skip
DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
TOKEN_PREFIX = "hfs_"  # noqa: S105 - a prefix, not a secret
MAX_BATCH = 500


# --- The page ----------------------------------------------------------------------------


def page_for(partner) -> CommitmentsPage:
    page = CommitmentsPage.objects.filter(partner=partner).first()
    return page or CommitmentsPage(partner=partner)


@transaction.atomic
def page_save(*, partner, colour: str, messages: dict[str, str], actor) -> CommitmentsPage:
    """Set the colour (a #rrggbb hex colour, nothing else reaches a style attribute) and messages."""
    HEX_COLOUR(colour)
    page, _created = CommitmentsPage.objects.get_or_create(partner=partner)
    page.colour = colour.lower()
    page.messages = {lang: text.strip()[:500] for lang, text in messages.items() if text and text.strip()}
    page.full_clean()
    page.save()
    log_action(page, "commitments.branding_changed", user=actor, data={"colour": page.colour})
    return page


# --- Intranet domains ----------------------------------------------------------------------


def normalise_domain(raw: str) -> str:
    domain = (raw or "").strip().lower().lstrip("@").rstrip(".")
    if "@" in domain:
        domain = domain.rsplit("@", 1)[1]
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValidationError({"domain": _("This is not a valid email domain.")}) from exc
    if not DOMAIN_RE.match(domain):
        raise ValidationError({"domain": _("This is not a valid email domain.")})
    return domain


@transaction.atomic
def domain_request(*, partner, domain: str, actor) -> PartnerDomain:
    """A partner admin lists an email domain; it counts only once Partnerships staff approve it.

    Ownership cannot be proven here, so staff approval is the gate; free-mail
    and disposable-mail domains are refused outright.
    """
    from pledges.identity import is_disposable

    domain = normalise_domain(domain)
    if domain in FREE_MAIL_DOMAINS or is_disposable(f"x@{domain}"):
        raise ValidationError(
            {
                "domain": _("Anyone can get an address at %(domain)s: it cannot identify your members.")
                % {"domain": domain}
            }
        )
    claim = PartnerDomain(partner=partner, domain=domain, requested_by=actor)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as exc:
        raise ValidationError({"domain": _("This domain is already listed by an organisation.")}) from exc
    log_action(claim, "commitments.domain_requested", user=actor, data={"partner": partner.pk})
    return claim


def _review(obj, *, approve: bool, actor, code: str):
    obj.status = Review.APPROVED if approve else Review.REJECTED
    obj.reviewed_by = actor
    obj.reviewed_at = timezone.now()
    obj.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    log_action(obj, f"commitments.{code}_{'approved' if approve else 'rejected'}", user=actor)
    return obj


@transaction.atomic
def domain_review(*, domain_id: int, approve: bool, actor) -> PartnerDomain:
    claim = PartnerDomain.objects.select_for_update().get(pk=domain_id)
    return _review(claim, approve=approve, actor=actor, code="domain")


@transaction.atomic
def domain_remove(*, partner, domain_id: int, actor) -> bool:
    """Remove one of the partner's own domains; False when it has none of that id."""
    claim = PartnerDomain.objects.filter(partner=partner, pk=domain_id).first()
    if claim is None:
        return False
    log_action(claim, "commitments.domain_removed", user=actor, data={"domain": claim.domain})
    claim.delete()
    return True


# --- Widget sites -----------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_origin(raw: str) -> str:
    """scheme://host[:port] of an https site (http only for this machine's loopback, for testing)."""
    raw = (raw or "").strip()
    bad = ValidationError({"origin": _("Give the site's address, e.g. https://intranet.example.org.")})
    if not raw or len(raw) > 200 or any(c.isspace() or c in "\"';,\\" for c in raw):
        raise bad
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise bad from exc
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        raise bad
    if parts.scheme == "http" and not _is_loopback(host):
        raise ValidationError({"origin": _("Widgets may only be framed by https sites.")})
    if not _is_loopback(host):
        try:
            host = normalise_domain(host)
        except ValidationError as exc:
            raise bad from exc
    default = {"https": 443, "http": 80}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


@transaction.atomic
def origin_request(*, partner, origin: str, actor) -> EmbedOrigin:
    origin = normalise_origin(origin)
    site = EmbedOrigin(partner=partner, origin=origin, requested_by=actor)
    try:
        with transaction.atomic():
            site.save()
    except IntegrityError as exc:
        raise ValidationError({"origin": _("This site is already listed.")}) from exc
    log_action(site, "commitments.origin_requested", user=actor, data={"partner": partner.pk})
    return site


@transaction.atomic
def origin_review(*, origin_id: int, approve: bool, actor) -> EmbedOrigin:
    site = EmbedOrigin.objects.select_for_update().get(pk=origin_id)
    return _review(site, approve=approve, actor=actor, code="origin")


@transaction.atomic
def origin_remove(*, partner, origin_id: int, actor) -> bool:
    site = EmbedOrigin.objects.filter(partner=partner, pk=origin_id).first()
    if site is None:
        return False
    log_action(site, "commitments.origin_removed", user=actor, data={"origin": site.origin})
    site.delete()
    return True


# --- API tokens ----------------------------------------------------------------------------------


def _hash(raw: str) -> str:
    # The secret has 256 bits of entropy: a plain SHA-256 cannot be brute-forced.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, partner, name: str, actor, rate_per_minute: int = 60) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    name = (name or "").strip()
    if not name or "\x00" in name:
        raise ValidationError({"name": _("Name the token after the system that uses it.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        partner=partner,
        name=name[:80],
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=_hash(raw),
        scopes=[ApiToken.Scope.SIGNUPS_WRITE],
        rate_per_minute=rate_per_minute,
        created_by=actor,
    )
    token.save()
    log_action(token, "commitments.token_created", user=actor, data={"partner": partner.pk, "prefix": token.prefix})
    return token, raw


@transaction.atomic
def token_revoke(*, partner, token_id: int, actor) -> bool:
    updated = ApiToken.objects.filter(partner=partner, pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        log_action(ApiToken.objects.get(pk=token_id), "commitments.token_revoked", user=actor)
    return bool(updated)


def token_authenticate(raw: str) -> ApiToken | None:
    """The active token with this secret, or None (unknown, revoked, malformed)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    return ApiToken.objects.select_related("partner").filter(token_hash=_hash(raw), revoked_at__isnull=True).first()


@dataclass(frozen=True)
class SignupRow:
    external_id: str
    first_name: str
    email: str
    country: str
    language: str
    consent: bool
    city: str = ""
    source: str = ""


def api_signup(*, token: ApiToken, row: SignupRow) -> dict:
    """One sign-up of a batch, idempotent by (partner, external id); raises ValidationError for a bad row.

    The person still confirms by email. A known external id answers as the
    first time did, without a second pledge or a second email.
    """
    from pledges.services import PledgeInput, pledge_submit

    known = [row.external_id, erased_external_id(row.external_id)]
    existing = ApiSignup.objects.filter(partner_id=token.partner_id, external_id__in=known).first()
    if existing:
        return {"external_id": row.external_id, "status": "duplicate"}
    with transaction.atomic():
        try:
            with transaction.atomic():
                signup = ApiSignup.objects.create(
                    partner_id=token.partner_id, token=token, external_id=row.external_id,
                    outcome=ApiSignup.Outcome.CREATED,
                )  # fmt: skip
        except IntegrityError:
            return {"external_id": row.external_id, "status": "duplicate"}  # the same id, sent concurrently
        pledge = pledge_submit(
            data=PledgeInput(
                first_name=row.first_name,
                email=row.email,
                country=row.country,
                consent=row.consent,
                language=row.language,
                city=row.city,
                source="api",
                source_code=row.source,
                partner_id=token.partner_id,
            ),
        )
        signup.pledge_id = pledge.pk if pledge else None
        signup.outcome = ApiSignup.Outcome.CREATED if pledge else ApiSignup.Outcome.KNOWN
        signup.save(update_fields=["pledge_id", "outcome"])
    # Whether the address had pledged before is not told: the email itself tells its owner.
    return {"external_id": row.external_id, "status": "accepted"}


def erased_external_id(external_id: str) -> str:
    """What an erased person's external id becomes: a keyed hash, so a resend still finds the sign-up."""
    import hmac

    from django.conf import settings

    return "erased:" + hmac.new(settings.SECRET_KEY.encode(), external_id.encode(), hashlib.sha256).hexdigest()[:40]


def _pledge_ids(email: str) -> list[int]:
    from pledges.identity import canonical_email
    from pledges.models import Pledge

    return list(Pledge.objects.filter(email_canonical=canonical_email(email)).values_list("pk", flat=True))


def privacy_export(email: str) -> list[dict]:
    """The sign-ups a partner's system sent for this person (its external ids)."""
    rows = ApiSignup.objects.filter(pledge_id__in=_pledge_ids(email)).select_related("partner")
    return [
        {"partner": r.partner.name, "external_id": r.external_id, "sent_at": r.created_at.isoformat()} for r in rows
    ]


def privacy_erase(email: str) -> None:
    """Forget which partner record was this person; a resend of the same id still answers "duplicate"."""
    for signup in ApiSignup.objects.filter(pledge_id__in=_pledge_ids(email)):
        if not signup.external_id.startswith("erased:"):
            signup.external_id = erased_external_id(signup.external_id)
        signup.pledge_id = None
        signup.save(update_fields=["external_id", "pledge_id"])


def api_token_used(*, token: ApiToken, accepted: int, rejected: int, ip: str) -> None:
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    log_action(
        token, "commitments.token_used", data={"accepted": accepted, "rejected": rejected, "partner": token.partner_id}
    )


# --- Partners of partners -------------------------------------------------------------------------


@transaction.atomic
def child_invite(*, parent, name: str, sector: str, email: str, language: str, actor):
    """Create a child organisation of `parent` and invite its first admin through the invitation flow."""
    from partners.models import Partner, PartnerMembership, Sector
    from partners.services import invitation_create

    name = (name or "").strip()
    if not name or "\x00" in name:
        raise ValidationError({"name": _("Give the organisation's name.")})
    if sector not in Sector.values:
        raise ValidationError({"sector": _("Choose a sector.")})
    base = slugify(name)[:60] or "partner"
    slug = base
    while Partner.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(2)}"
    if Partner.objects.filter(name__iexact=name, sector=sector).exists():
        raise ValidationError({"name": _("An organisation of this name and sector already exists.")})
    child = Partner(name=name[:200], slug=slug, sector=sector, country=parent.country, parent=parent)
    child.full_clean()
    child.save()
    invitation = invitation_create(
        partner=child, email=email, role=PartnerMembership.Role.ADMIN, language=language, invited_by=actor
    )
    log_action(child, "commitments.child_invited", user=actor, data={"parent": parent.pk})
    return child, invitation
