import pytest
from django.test import RequestFactory

from core.throttling import client_address


@pytest.mark.parametrize(
    ("num_proxies", "forwarded_for", "expected"),
    [
        (0, None, "10.0.0.1"),
        (0, "198.51.100.9", "10.0.0.1"),  # no proxy: the header is the client's own words
        (1, "198.51.100.9", "198.51.100.9"),
        (1, "203.0.113.5, 198.51.100.9", "198.51.100.9"),  # what the client wrote first is ignored
        (2, "203.0.113.5, 198.51.100.9, 10.0.0.2", "198.51.100.9"),
        (1, "not-an-address", "10.0.0.1"),
        (1, None, "10.0.0.1"),
    ],
)
def test_the_client_address_respects_the_number_of_proxies(settings, num_proxies, forwarded_for, expected):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.0.1", **headers)

    assert client_address(request) == expected
