"""The configured geocoder: the project's own local table behind geopy's Geocoder interface."""

from __future__ import annotations

from geopy.geocoders.base import Geocoder

from app.taskings import geocoding


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
