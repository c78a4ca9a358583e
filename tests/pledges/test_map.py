"""The map API tried as an attacker would: no answer, alone or combined, may reveal fewer than five
pledges in an area smaller than a country. And its GeoJSON must be what RFC 7946 says."""

from __future__ import annotations

import random

import pytest

from pledges.counting import fold_events
from pledges.selectors import CELL_SIZES, MIN_CELL_COUNT, ZOOM_CELL, cell_size_for_zoom
from pledges.services import pledge_confirm
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db

MAP = "/api/v1/pledges/map/"


def _confirmed(n: int, **kwargs) -> None:
    for pledge in PledgeFactory.create_batch(n, **kwargs):
        pledge_confirm(pledge_id=pledge.pk)


def _map(client, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"{MAP}?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def _box_around(lat: float, lng: float) -> str:
    return f"{lng},{lat},{lng},{lat}"


# --- privacy ----------------------------------------------------------------------------


def test_a_point_bbox_at_zoom_18_does_not_isolate_a_cell_of_two(client):
    _confirmed(20, country="US", lat10=340, lng10=-1182)  # Los Angeles
    _confirmed(2, country="US", lat10=407, lng10=-740)  # New York
    _confirmed(10, country="US")  # no position
    fold_events()
    around_new_york = _map(client, zoom=18, bbox=_box_around(40.7, -74.0))
    assert around_new_york["features"] == []
    # The remainder is the country's, whatever the box: never the 2 of the cell.
    assert around_new_york["meta"]["folded_into_country"] == {"US": 12}
    assert _map(client, zoom=18)["meta"]["folded_into_country"] == {"US": 12}


def test_the_folded_remainder_is_the_same_for_every_bbox(client):
    _confirmed(20, country="US", lat10=340, lng10=-1182)
    _confirmed(2, country="US", lat10=407, lng10=-740)
    _confirmed(10, country="US")
    fold_events()
    boxes = ["-125,24,-66,50", "-75,40,-73,41", "-119,33,-118,35", "0,0,1,1", "170,-50,-170,0"]
    for zoom in range(0, 19):
        world = _map(client, zoom=zoom)["meta"]["folded_into_country"]
        for bbox in boxes:
            assert _map(client, zoom=zoom, bbox=bbox)["meta"]["folded_into_country"] == world, (zoom, bbox)


def test_two_overlapping_boxes_return_the_same_whole_cell(client):
    # 7 and 2 pledges 3 degrees apart, in the same 10-degree cell of zoom 2.
    _confirmed(7, lat10=-13, lng10=368)
    _confirmed(2, lat10=-13, lng10=338)
    _confirmed(10)
    fold_events()
    east_only = _map(client, zoom=2, bbox="36,-2,37,-1")
    both = _map(client, zoom=2, bbox="33,-2,37,-1")
    assert east_only["features"] == both["features"]
    assert [f["properties"]["count"] for f in both["features"]] == [9]


def test_a_cell_whose_showing_would_leave_a_remainder_under_five_is_hidden(client):
    # 7 and 2 pledges in two 0.1-degree cells of one 0.5-degree cell: at zoom 18 showing the 7
    # would let the 0.5-degree cell of zoom 6 (9) reveal the 2.
    _confirmed(7, lat10=-13, lng10=368)
    _confirmed(2, lat10=-13, lng10=369)
    _confirmed(10)
    fold_events()
    assert [f["properties"]["count"] for f in _map(client, zoom=6)["features"]] == [9]
    assert _map(client, zoom=18)["features"] == []
    assert _map(client, zoom=18)["meta"]["folded_into_country"] == {"KE": 19}


def test_a_country_remainder_under_five_hides_a_top_cell(client):
    # Showing the 20 would tell the rest of the United States holds 2.
    _confirmed(20, country="US", lat10=340, lng10=-1182)
    _confirmed(2, country="US", lat10=407, lng10=-740)
    fold_events()
    for zoom in range(0, 19):
        result = _map(client, zoom=zoom)
        assert result["features"] == [], zoom
        assert result["meta"]["folded_into_country"] == {"US": 22}


def _cell_of(feature) -> tuple[str, float, float]:
    lng, lat = feature["geometry"]["coordinates"]
    return feature["properties"]["country"], lat, lng


def test_no_combination_of_answers_reveals_fewer_than_five(client):
    """Everything an attacker can query (every zoom, the world box), checked for what it gives away.

    With nested grids, what a shown cell's shown sub-cells leave over is the
    smallest area anyone can compute a count for; each such remainder, and each
    country's, must be 0 or at least five.
    """
    rng = random.Random(11)
    towns = [(-13, 368), (-12, 369), (-40, 397), (-29, 366), (5, 320), (31, 341)]
    for lat10, lng10 in towns:
        for _ in range(rng.randint(1, 9)):
            _confirmed(rng.randint(1, 4), lat10=lat10 + rng.randint(-3, 3), lng10=lng10 + rng.randint(-3, 3))
    _confirmed(3)
    fold_events()
    total = client.get("/api/v1/pledges/stats/").json()["countries"][0]["count"]
    shown = {}
    for size in CELL_SIZES:
        zoom = min(z for z in range(19) if cell_size_for_zoom(z) == size)
        result = _map(client, zoom=zoom)
        shown[size] = {_cell_of(f): f["properties"]["count"] for f in result["features"]}
        assert all(n >= MIN_CELL_COUNT for n in shown[size].values())
        left_over = total - sum(shown[size].values())
        assert left_over == result["meta"]["folded_into_country"].get("KE", 0)
        assert left_over == 0 or left_over >= MIN_CELL_COUNT
    assert any(shown[1].values())  # the test shows cells at the finest zoom: it tests something
    assert total - sum(shown[CELL_SIZES[0]].values()) in {0} | set(range(MIN_CELL_COUNT, total + 1))
    for coarse, fine in zip(CELL_SIZES, CELL_SIZES[1:], strict=False):
        for (country, lat, lng), n in shown[coarse].items():
            half = coarse / 20
            inside = [
                m
                for (c, la, lo), m in shown[fine].items()
                if c == country and lat - half < la < lat + half and lng - half < lo < lng + half
            ]
            assert n - sum(inside) == 0 or n - sum(inside) >= MIN_CELL_COUNT, (coarse, lat, lng, n, inside)
        # And no finer cell is shown outside a shown coarser one.
        for (country, la, lo), _m in shown[fine].items():
            half = coarse / 20
            assert any(
                c == country and lat - half < la < lat + half and lng - half < lo < lng + half
                for (c, lat, lng) in shown[coarse]
            )


def test_the_grids_nest_so_that_zoom_levels_can_be_compared():
    sizes = sorted(set(ZOOM_CELL.values()) | {1}, reverse=True)
    assert tuple(sizes) == CELL_SIZES
    for coarse, fine in zip(CELL_SIZES, CELL_SIZES[1:], strict=False):
        assert coarse % fine == 0


@pytest.mark.parametrize(
    "zoom", ["-1", "19", "-235062", "99999999999999999999999", "9" * 5000, "2.0", " 2", "2 ", "+2", "0x2", "", "x"]
)
def test_zoom_outside_the_documented_range_or_not_an_integer_is_refused(client, zoom):
    response = client.get(MAP, {"zoom": zoom})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == ["zoom"]


@pytest.mark.parametrize(
    "bbox",
    ["1,2,3", "0,10,5,5", "a,b,c,d", "181,0,182,1", "0,-91,1,0", "1e1,0,2,1", "nan,0,1,1", "0,0,1,1\n", "0,0,1,1,2"],
)
def test_a_malformed_bbox_is_refused(client, bbox):
    response = client.get(MAP, {"bbox": bbox})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["bbox"]


def test_unknown_and_repeated_parameters_are_refused(client):
    unknown = client.get(MAP + "?zoom=3&level=9")
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == {"level": ["Unknown parameter."]}
    repeated = client.get(MAP + "?zoom=3&zoom=18")
    assert repeated.status_code == 400
    assert repeated.json()["errors"] == {"zoom": ["Give this parameter once."]}


def test_parameter_errors_are_translated(client):
    response = client.get(MAP + "?level=9", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["errors"] == {"level": ["Paramètre inconnu."]}


# --- GeoJSON (RFC 7946) -------------------------------------------------------------------


def test_the_map_is_geojson_with_its_metadata_in_a_foreign_member(client):
    _confirmed(5, lat10=-13, lng10=368)
    fold_events()
    response = client.get(MAP + "?zoom=6")
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert set(data) == {"type", "features", "meta"}  # no top-level "properties" (section 7.1)
    assert data["meta"] == {"zoom": 6, "cell_degrees": 0.5, "min_count": 5, "folded_into_country": {}}
    assert data["features"] == [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [36.75, -1.25]},
            "properties": {"count": 5, "country": "KE", "cell_degrees": 0.5},
        }
    ]


def test_the_map_is_geojson_whatever_the_accept_header(client):
    response = client.get(MAP, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"


def test_a_bbox_across_the_antimeridian_keeps_both_longitude_ranges(client):
    _confirmed(5, country="FJ", lat10=-177, lng10=1780)  # Fiji, 178 E
    _confirmed(5, country="TO", lat10=-211, lng10=-1752)  # Tonga, 175 W
    _confirmed(5, lat10=-13, lng10=368)  # Nairobi: inside the latitudes, far outside the longitudes
    _confirmed(5, country="US", lat10=340, lng10=-1182)  # Los Angeles: outside both
    fold_events()
    pacific = _map(client, zoom=8, bbox="170,-50,-170,0")
    assert sorted(f["properties"]["country"] for f in pacific["features"]) == ["FJ", "TO"]


def test_cell_centres_at_the_poles_and_the_antimeridian_are_valid_positions(client):
    _confirmed(5, country="FJ", lat10=-180, lng10=1800)
    _confirmed(5, country="NO", lat10=900, lng10=100)
    fold_events()
    for zoom in range(0, 19):
        for feature in _map(client, zoom=zoom)["features"]:
            lng, lat = feature["geometry"]["coordinates"]
            assert -180 <= lng <= 180 and -90 <= lat <= 90, (zoom, lng, lat)


def test_the_map_keeps_its_etag_and_cache_control(client):
    _confirmed(5, lat10=-13, lng10=368)
    fold_events()
    first = client.get(MAP + "?zoom=6")
    assert first["Cache-Control"] == "public, max-age=2"
    again = client.get(MAP + "?zoom=6", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


def test_the_map_errors_are_plain_json(client):
    response = client.get(MAP + "?zoom=99")
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail", "errors"}


# --- query counts, from a cold cache ----------------------------------------------------------


def test_a_cold_map_read_folds_then_reads_counts_and_cells_once(client, django_assert_num_queries):
    _confirmed(5, lat10=-13, lng10=368)
    # fold: savepoint, lock, events, country upsert, cell upsert, the pledges' attribution, its upsert,
    # delete, release; then the country counts, the action counts and the one map statement.
    with django_assert_num_queries(12):
        response = client.get(MAP + "?zoom=6&bbox=30,-5,40,5")
    assert [f["properties"]["count"] for f in response.json()["features"]] == [5]
    with django_assert_num_queries(0):
        assert client.get(MAP + "?zoom=6&bbox=30,-5,40,5").status_code == 200
    with django_assert_num_queries(0):
        assert client.get(MAP + "?zoom=7&bbox=30,-5,40,5").status_code == 200  # same layers, other zoom
    with django_assert_num_queries(0):
        # The coarser layers were computed (and stored) with the finer one: the same snapshot.
        assert client.get(MAP + "?zoom=2").status_code == 200
