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

# A short list of throwaway-address services; a fuller list belongs in a setting.
DISPOSABLE_DOMAINS = frozenset(
    {
        "mailinator.com",
        "guerrillamail.com",
        "guerrillamail.net",
        "sharklasers.com",
        "10minutemail.com",
        "temp-mail.org",
        "tempmail.com",
        "yopmail.com",
        "trashmail.com",
        "getnada.com",
        "dispostable.com",
        "maildrop.cc",
        "throwawaymail.com",
        "fakeinbox.com",
        "mailnesia.com",
    }
)


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
    domain = email_domain(email)
    return any(domain == d or domain.endswith("." + d) for d in DISPOSABLE_DOMAINS)


def ip_hash(ip: str) -> str:
    if not ip:
        return ""
    return hmac.new(settings.IP_HASH_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()[:32]
