"""Who is signing: canonical emails and keyed hashes of client addresses (heforshe.lib.net finds the address)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

# Providers that deliver `name+tag@` to `name@`: the tag does not make a second person.
PLUS_TAG_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "protonmail.com",
        "proton.me",
        "pm.me",
        "fastmail.com",
        "yandex.ru",
    }
)
# Gmail also ignores dots in the local part, and googlemail.com is the same mailbox.
DOT_BLIND_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def canonical_email(email: str) -> str:
    """One string per mailbox: case folded, +tags and Gmail dots removed where the provider ignores them."""
    local, _, domain = email.strip().rpartition("@")
    local, domain = local.lower(), domain.lower()
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in DOT_BLIND_DOMAINS:
        local = local.replace(".", "")
    domain = DOMAIN_ALIASES.get(domain, domain)
    return f"{local}@{domain}"


def is_disposable(email: str) -> bool:
    """True for an address at a throwaway-mail service or any subdomain of one.

    The list is the community-maintained one of the disposable-email-domains
    package (about 10,000 domains, refreshed with each release; upgrade the pin
    to refresh it), less the domains it allows explicitly.
    """
    from disposable_email_domains import allowlist, blocklist

    labels = email_domain(email).split(".")
    suffixes = {".".join(labels[i:]) for i in range(len(labels) - 1)}
    return not suffixes & allowlist and bool(suffixes & blocklist)


def ip_hash(ip: str) -> str:
    if not ip:
        return ""
    return hmac.new(settings.IP_HASH_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()[:32]
