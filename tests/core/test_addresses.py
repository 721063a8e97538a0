"""The client's address, for limits per address: X-Forwarded-For believed only from trusted
proxies."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.test import RequestFactory

from chaperon.core.addresses import client_address
from chaperon.core.env import env_networks


def _request(remote: str, forwarded: str = "") -> HttpRequest:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_nobody_is_trusted_by_default(settings) -> None:
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("127.0.0.1", "198.51.100.1")) == "127.0.0.1"


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("10.0.0.5", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.5", "203.0.113.9, 198.51.100.1", "198.51.100.1"),  # the left one was typed
        ("10.0.0.5", "198.51.100.1, 10.0.0.4", "198.51.100.1"),  # two proxies of ours
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("192.0.2.8", "198.51.100.1", "192.0.2.8"),  # not from a trusted proxy: ignored
    ],
)
def test_behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client(
    settings, remote: str, forwarded: str, client: str
) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_address(_request(remote, forwarded)) == client


def test_a_proxy_setting_that_is_not_an_address_stops_the_program(monkeypatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1, proxy.example")
    with pytest.raises(ImproperlyConfigured, match=r"TRUSTED_PROXIES: 'proxy\.example'"):
        env_networks("TRUSTED_PROXIES")
