"""A download counts once per client, file version and day, and only when its bytes start at 0; floods get 429."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from actionkits import services
from actionkits.models import KitDownloadCount, KitTranslation
from tests.conftest import requires_services

from .factories import make_kit, pdf_file

pytestmark = pytest.mark.django_db

URL = "/en/action-kits/universities/download/"
ONE = "81.2.69.160"
TWO = "81.2.69.161"


def downloads() -> int:
    return sum(KitDownloadCount.objects.values_list("count", flat=True))


@pytest.fixture(autouse=True)
def kit():
    return make_kit()


def test_one_byte_ranges_at_the_start_from_one_client_count_once(client):
    for _ in range(10):
        assert client.get(URL, HTTP_RANGE="bytes=0-0", REMOTE_ADDR=ONE).status_code == 206
    assert downloads() == 1


def test_ranges_that_do_not_start_at_byte_0_count_nothing(client):
    for _ in range(10):
        assert client.get(URL, HTTP_RANGE="bytes=5-5", REMOTE_ADDR=ONE).status_code == 206
    assert downloads() == 0


def test_a_suffix_range_counts_only_if_it_covers_byte_0(client, kit):
    size = KitTranslation.objects.get(kit=kit, language="en").file_size
    client.get(URL, HTTP_RANGE="bytes=-5", REMOTE_ADDR=ONE)
    assert downloads() == 0
    client.get(URL, HTTP_RANGE=f"bytes=-{size}", REMOTE_ADDR=ONE)
    assert downloads() == 1


def test_repeated_full_downloads_from_one_client_count_once(client):
    for _ in range(3):
        assert client.get(URL, REMOTE_ADDR=ONE).status_code == 200
    assert downloads() == 1


def test_two_clients_count_twice(client):
    client.get(URL, REMOTE_ADDR=ONE)
    client.get(URL, REMOTE_ADDR=TWO)
    assert downloads() == 2


def test_a_new_version_counts_again_for_the_same_client(client, kit):
    client.get(URL, REMOTE_ADDR=ONE)
    services.translation_save(kit=kit, language="en", title="New", summary="New", file=pdf_file(text="v2"))
    client.get(URL, REMOTE_ADDR=ONE)
    assert list(KitDownloadCount.objects.order_by("version").values_list("version", "count")) == [(1, 1), (2, 1)]


def test_head_counts_nothing(client):
    client.head(URL, REMOTE_ADDR=ONE)
    assert downloads() == 0


@requires_services
def test_the_claim_lasts_until_the_end_of_the_day_and_keeps_no_address(client, kit, settings):
    now = timezone.now()  # before the claim: the claim's own clock can only be later
    client.get(URL, REMOTE_ADDR=ONE)
    redis = cache._cache.get_client(write=True)
    keys = [key.decode() for key in redis.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*actionkits:dl:*")]
    assert len(keys) == 1
    assert ONE not in keys[0]
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)
    assert 0 < redis.ttl(keys[0]) <= (midnight - now).total_seconds() + 60


def test_downloads_are_still_counted_when_redis_is_down(client, settings):
    # Nothing listens on port 1: every cache call fails to connect.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert client.get(URL, REMOTE_ADDR=ONE).status_code == 200
    assert client.get(URL, REMOTE_ADDR=ONE).status_code == 200
    assert downloads() == 2


def test_a_flood_from_one_client_gets_429_with_retry_after(client, settings):
    settings.ACTIONKITS_DOWNLOAD_RATE_LIMITS = [("burst", 3, 60)]
    for _ in range(3):
        assert client.get(URL, HTTP_RANGE="bytes=5-5", REMOTE_ADDR=ONE).status_code == 206
    response = client.get("/fr/action-kits/universities/download/", REMOTE_ADDR=ONE)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Trop de téléchargements" in response.content.decode()


def test_the_limit_is_per_client(client, settings):
    settings.ACTIONKITS_DOWNLOAD_RATE_LIMITS = [("burst", 1, 60)]
    assert client.get(URL, REMOTE_ADDR=ONE).status_code == 200
    assert client.get(URL, REMOTE_ADDR=ONE).status_code == 429
    assert client.get(URL, REMOTE_ADDR=TWO).status_code == 200


def test_addresses_in_one_ipv6_subscriber_network_are_one_client(client):
    client.get(URL, REMOTE_ADDR="2001:db8:1:2::10")
    client.get(URL, REMOTE_ADDR="2001:db8:1:2:ffff::1")
    client.get(URL, REMOTE_ADDR="2001:db8:1:3::10")
    assert downloads() == 2
