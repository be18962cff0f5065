"""The configured geocoder: the project's own local table behind geopy's Geocoder interface."""

from __future__ import annotations

from geopy.geocoders.base import Geocoder

from app.taskings import geocoding
from tests.helpers import sync


def test_the_local_geocoder_is_a_geopy_geocoder_answering_from_its_table():
    geocoding.geocoder.cache_clear()
    coder = geocoding.geocoder()
    assert isinstance(coder, Geocoder) and isinstance(coder, geocoding.LocalTableGeocoder)
    found = coder.geocode("  ABBEY STREET,derby ")
    assert (found.address, found.latitude, found.longitude) == (
        "Abbey Street, Derby DE22 3SJ",
        52.9163,
        -1.486,
    )
    assert coder.geocode("10 Downing Street") is None
    assert len(coder.geocode("derby bus station", exactly_one=False)) == 1


def test_another_geopy_service_can_be_named(monkeypatch):
    from app.settings import get_settings

    monkeypatch.setenv("BEATBOOK_GEOCODER", "nominatim")
    get_settings.cache_clear()
    geocoding.geocoder.cache_clear()
    try:
        assert type(geocoding.geocoder()).__name__ == "Nominatim"  # built, never called here
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        geocoding.geocoder.cache_clear()


def test_the_local_geocoder_answers_a_reverse_look_up_with_the_nearest_place():
    geocoding.geocoder.cache_clear()
    coder = geocoding.geocoder()
    found = coder.reverse("52.9164, -1.4858")  # about 20 m from Abbey Street's point
    assert found.address == "Abbey Street, Derby DE22 3SJ"
    assert coder.reverse((52.9241, -1.4851)).address == "Friar Gate, Derby DE1 1BX"
    assert coder.reverse("53.2, -1.9") is None  # nothing within REVERSE_WITHIN_M
    assert sync(geocoding.address_at(52.9164, -1.4858)) == "Abbey Street, Derby DE22 3SJ"
    assert sync(geocoding.address_at(53.2, -1.9)) is None


def test_a_failing_geocoder_gives_no_address(monkeypatch):
    class Broken(geocoding.LocalTableGeocoder):
        def reverse(self, query, **kwargs):
            raise TimeoutError("no network")

    monkeypatch.setattr(geocoding, "geocoder", lambda: Broken())
    assert sync(geocoding.address_at(52.9164, -1.4858)) is None


def test_open_in_maps_is_an_https_link_both_phones_open():
    url = geocoding.maps_url(52.916347, -1.486012)
    assert url == "https://www.google.com/maps/search/?api=1&query=52.916347%2C-1.486012"
