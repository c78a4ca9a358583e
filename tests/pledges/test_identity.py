from __future__ import annotations

import pytest

from pledges.geo import gazetteer_geocode, locate_ip, to_cell
from pledges.identity import canonical_email, ip_hash, is_disposable


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Amani@Example.ORG", "amani@example.org"),
        ("amani+news@example.org", "amani+news@example.org"),  # unknown provider: the tag may matter
        ("A.Mani+hfs@gmail.com", "amani@gmail.com"),
        ("amani@googlemail.com", "amani@gmail.com"),
        ("Amani+x@Outlook.com", "amani@outlook.com"),
        ("a.mani@outlook.com", "a.mani@outlook.com"),  # only Gmail ignores dots
    ],
)
def test_emails_are_canonicalised_per_provider(raw, canonical):
    assert canonical_email(raw) == canonical


def test_disposable_domains_and_subdomains_are_recognised():
    assert is_disposable("x@mailinator.com")
    assert is_disposable("x@eu.mailinator.com")
    assert not is_disposable("x@example.org")


def test_ip_hash_is_keyed_and_never_the_address(settings):
    settings.IP_HASH_KEY = "one"
    first = ip_hash("203.0.113.7")
    settings.IP_HASH_KEY = "two"
    assert ip_hash("203.0.113.7") != first
    assert "203.0.113.7" not in first and len(first) == 32


def test_positions_are_rounded_to_a_tenth_of_a_degree():
    assert to_cell(-1.28333, 36.81667) == (-13, 368)
    assert to_cell(95, 200) == (900, 1800)


def test_the_offline_gazetteer_finds_towns_within_the_country():
    assert gazetteer_geocode(country="KE", city="nairobi") == (-13, 368)
    assert gazetteer_geocode(country="FR", city="Saint-Étienne") is not None
    assert gazetteer_geocode(country="FR", city="Nairobi") is None


def test_geoip_from_the_packaged_database_is_coarse_and_ignores_private_addresses():
    found = locate_ip("81.2.69.160")  # a MaxMind test address in the United Kingdom
    assert found is not None and found[0] == "GB"
    assert locate_ip("10.0.0.1") is None
    assert locate_ip("not an ip") is None


@pytest.mark.parametrize("domain", ["10minutemail.net", "mailinator.net", "guerrillamailblock.com", "tempr.email"])
def test_the_community_list_of_disposable_domains_is_used(domain):
    # None of these was in the site's old hand-written list of 15.
    assert is_disposable(f"x@{domain}")


@pytest.mark.parametrize("email", ["x@gmail.com", "x@example.org", "x@un.org", "x@localhost", "no-at-sign", "x@"])
def test_ordinary_addresses_are_not_disposable(email):
    assert not is_disposable(email)
