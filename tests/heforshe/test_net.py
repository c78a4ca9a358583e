"""The one client-address helper, the rate-limit unit, GeoIP and the fixed-window rate limits."""

from __future__ import annotations

import os
import shutil
import time

import pytest
from rest_framework.throttling import SimpleRateThrottle

from heforshe.lib import net
from heforshe.lib.net import client_ip, country_for_ip, geoip_reader, rate_limit_key
from heforshe.lib.ratelimit import Limit, address_key, count_hits, hit, peek, seconds_until_reset
from tests.conftest import uses_redis

DAY = 86400


# --- client_ip ------------------------------------------------------------------


def test_without_trusted_proxies_x_forwarded_for_is_ignored(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="203.0.113.5")
    assert client_ip(request) == "203.0.113.5"


def test_with_one_proxy_the_entry_it_appended_is_the_client_and_forged_ones_before_it_are_ignored(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1, 9.9.9.9, 203.0.113.8", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "203.0.113.8"


def test_with_two_proxies_the_second_entry_from_the_right_is_the_client(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.8, 10.0.0.2", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "203.0.113.8"


def test_fewer_hops_than_proxies_take_the_leftmost_instead_of_failing(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.8", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "203.0.113.8"


@pytest.mark.parametrize("forged", ["not-an-ip", "<script>", "999.1.1.1", "1.1.1.1/24", "x" * 5000, ""])
def test_an_invalid_forwarded_entry_is_ignored_for_the_connection_address(rf, settings, forged):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR=f"1.1.1.1, {forged}", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "10.0.0.1"


def test_an_invalid_connection_address_gives_no_address(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(rf.get("/", REMOTE_ADDR="garbage")) == ""


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("203.0.113.9:5555", "203.0.113.9"),
        (" 203.0.113.9 ", "203.0.113.9"),
    ],
)
def test_addresses_come_out_canonical(rf, settings, raw, canonical):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR=raw, REMOTE_ADDR="10.0.0.1")) == canonical


# --- rate_limit_key -------------------------------------------------------------------


def test_ipv4_is_its_own_rate_limit_unit():
    assert rate_limit_key("203.0.113.9") == "203.0.113.9"


def test_every_ipv6_address_of_a_64_is_one_rate_limit_unit():
    assert rate_limit_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert rate_limit_key("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64"


def test_the_next_64_is_another_unit():
    assert rate_limit_key("2001:db8:1:3::1") == "2001:db8:1:3::/64"


def test_an_ipv4_mapped_ipv6_address_is_its_ipv4_unit():
    assert rate_limit_key("::ffff:203.0.113.9") == "203.0.113.9"


@pytest.mark.parametrize("junk", ["", None, "nope", "2001:db8::zz"])
def test_no_address_has_no_unit(junk):
    assert rate_limit_key(junk) == ""


def test_address_keys_hash_the_unit_and_never_hold_the_address():
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2::abcd")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert "203.0.113.9" not in address_key("203.0.113.9")
    assert address_key("junk") == ""


# --- GeoIP ------------------------------------------------------------------


def test_the_geoip_reader_is_opened_once(settings):
    settings.GEOIP_PATH = ""
    assert geoip_reader() is geoip_reader()


def test_country_for_a_public_address_from_the_packaged_database(settings):
    settings.GEOIP_PATH = ""
    assert country_for_ip("81.2.69.160") == "GB"  # a MaxMind test address in the United Kingdom


@pytest.mark.parametrize("ip", ["10.0.0.1", "127.0.0.1", "::1", "junk", ""])
def test_private_and_invalid_addresses_have_no_country(ip):
    assert country_for_ip(ip) == ""


def test_a_database_replaced_in_place_is_reopened(settings, tmp_path):
    settings.GEOIP_PATH = ""
    copy = tmp_path / "GeoLite2-City.mmdb"
    shutil.copyfile(net.geoip_path(), copy)
    settings.GEOIP_PATH = str(copy)
    first = geoip_reader()
    assert first is not None
    later = time.time() + 10
    os.utime(copy, (later, later))
    assert geoip_reader() is not first


def test_a_missing_database_means_unknown_countries_not_errors(settings, tmp_path):
    settings.GEOIP_PATH = str(tmp_path / "absent.mmdb")
    assert geoip_reader() is None
    assert country_for_ip("81.2.69.160") == ""


# --- fixed-window rate limits ------------------------------------------------------


def test_seconds_until_reset_count_down_to_the_window_end():
    assert seconds_until_reset(60, now=120.0) == 60
    assert seconds_until_reset(60, now=179.5) == 1


def test_several_windows_are_counted_in_one_round_trip_on_redis():
    if not uses_redis():
        pytest.skip("Redis only")
    from heforshe.lib.ratelimit import _redis_client

    assert _redis_client() is not None
    assert count_hits([("t:a", 60), ("t:b", 3600)]) == [1, 1]
    assert count_hits([("t:a", 60), ("t:b", 3600)]) == [2, 2]


def test_a_window_counter_expires_with_its_window_on_redis():
    if not uses_redis():
        pytest.skip("Redis only")
    from django.core.cache import cache

    from heforshe.lib.ratelimit import _redis_client, _window_key

    count_hits([("t:ttl", 60)])
    count_hits([("t:ttl", 60)])
    ttl = _redis_client().ttl(cache.make_key(_window_key("t:ttl", 60, int(time.time()))))
    assert 0 < ttl <= 65


def test_counting_goes_on_after_redis_forgets_the_counting_script():
    if not uses_redis():
        pytest.skip("Redis only")
    from heforshe.lib.ratelimit import _redis_client

    assert count_hits([("t:flush", DAY)]) == [1]
    _redis_client().script_flush()  # as a restarted Redis would have
    assert count_hits([("t:flush", DAY)]) == [2]


def test_a_limit_refuses_the_attempt_after_the_last_allowed_and_says_when_it_resets():
    limits = [Limit("t:burst", 2, DAY)]
    assert [hit(limits).allowed for _ in range(2)] == [True, True]
    before = seconds_until_reset(DAY)
    verdict = hit(limits)
    after = seconds_until_reset(DAY)
    assert verdict.allowed is False
    assert before >= verdict.retry_after >= after
    assert verdict.exceeded == ("t:burst",)


def test_peek_counts_nothing():
    limits = [Limit("t:failures", 1, DAY)]
    assert peek(limits).allowed is True
    assert peek(limits).allowed is True
    hit(limits)
    assert peek(limits).allowed is False


def test_limits_fail_open_when_redis_is_down(settings):
    if not uses_redis():
        pytest.skip("Redis only")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    limits = [Limit("t:down", 1, DAY)]
    assert [hit(limits).allowed for _ in range(3)] == [True, True, True]


# --- DRF throttles key on the client's network ------------------------------------


@pytest.fixture
def tight_public_read(monkeypatch):
    table = {"anon": "1000/day", "user": "1000/day", "public_read": "2/day", "public_write": "1000/day"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", table)


@pytest.mark.django_db
def test_api_throttles_count_every_address_of_an_ipv6_64_as_one_client(client, tight_public_read):
    for n in (1, 2):
        assert client.get("/api/v1/pledges/stats/", REMOTE_ADDR=f"2001:db8:7:7::{n}").status_code == 200
    response = client.get("/api/v1/pledges/stats/", REMOTE_ADDR="2001:db8:7:7::3")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_api_throttles_let_the_neighbouring_64_through(client, tight_public_read):
    for n in (1, 2, 3):
        client.get("/api/v1/pledges/stats/", REMOTE_ADDR=f"2001:db8:7:7::{n}")
    assert client.get("/api/v1/pledges/stats/", REMOTE_ADDR="2001:db8:7:8::1").status_code == 200


@pytest.mark.django_db
def test_api_throttles_behind_a_proxy_key_on_the_forwarded_client(client, tight_public_read, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        client.get("/api/v1/pledges/stats/", HTTP_X_FORWARDED_FOR="203.0.113.1", REMOTE_ADDR="10.0.0.1")
    response = client.get("/api/v1/pledges/stats/", HTTP_X_FORWARDED_FOR="203.0.113.2", REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_pledge_form_limit_groups_an_ipv6_64_and_answers_retry_after(client, settings):
    from pledges.abuse import form_started_token
    from pledges.models import Pledge

    settings.PLEDGE_MIN_FILL_SECONDS = 0
    settings.PLEDGE_RATE_LIMITS = [("burst", 2, DAY)]

    def post(n):
        data = {
            "first_name": f"Man {n}",
            "email": f"v6man{n}@example.org",
            "country": "KE",
            "consent": "on",
            "started": form_started_token(),
        }
        return client.post("/en/pledge/", data, REMOTE_ADDR=f"2001:db8:5:5::{n}")

    assert [post(n).status_code for n in (1, 2)] == [302, 302]
    before = seconds_until_reset(DAY)
    response = post(3)
    assert response.status_code == 429
    assert before >= int(response["Retry-After"]) >= seconds_until_reset(DAY)
    assert Pledge.objects.count() == 2


@pytest.mark.django_db
def test_the_pledge_api_limit_answers_retry_after(client, settings):
    settings.PLEDGE_RATE_LIMITS = [("burst", 1, DAY)]
    payload = {"first_name": "Man", "email": "api-ra@example.org", "country": "KE", "consent": True}
    assert client.post("/api/v1/pledges/", payload, content_type="application/json").status_code == 202
    before = seconds_until_reset(DAY)
    response = client.post(
        "/api/v1/pledges/", {**payload, "email": "api-rb@example.org"}, content_type="application/json"
    )
    assert response.status_code == 429
    assert before >= int(response["Retry-After"]) >= seconds_until_reset(DAY)


@pytest.mark.django_db
def test_the_privacy_link_form_limit_answers_retry_after(client, settings):
    settings.PLEDGE_RATE_LIMITS = [("burst", 1, DAY)]
    assert client.post("/en/pledge/privacy/", {"email": "a@example.org"}).status_code == 200
    before = seconds_until_reset(DAY)
    response = client.post("/en/pledge/privacy/", {"email": "b@example.org"})
    assert response.status_code == 429
    assert before >= int(response["Retry-After"]) >= seconds_until_reset(DAY)
