"""Webhook URLs may not reach private networks, and subscribe to known
event types only."""

import socket

import pytest
from django.core.exceptions import ValidationError

from webhooks.models import WebhookEndpoint
from webhooks.validators import address_is_public, validate_endpoint_url, validate_event_types


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.10",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space (carrier NAT)
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::",
        "not an address",
    ],
)
def test_private_loopback_link_local_multicast_and_reserved_addresses_are_not_public(address):
    assert not address_is_public(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_global_unicast_addresses_are_public(address):
    assert address_is_public(address)


@pytest.fixture
def resolver(monkeypatch):
    """Answer DNS from a table instead of the network."""
    table = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in table[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


def test_an_https_url_on_a_public_address_is_accepted(resolver):
    resolver["hooks.partner.example"] = ["8.8.4.4"]

    validate_endpoint_url("https://hooks.partner.example/biobridge")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://127.0.0.1/hooks", "private_address"),
        ("https://[::1]/hooks", "private_address"),
        ("https://169.254.169.254/latest/meta-data/", "private_address"),
        ("https://10.0.0.8:8443/hooks", "private_address"),
        ("https://localhost/hooks", "private_address"),
        ("https://intranet.partner.example/hooks", "private_address"),
        ("https://rebind.partner.example/hooks", "private_address"),
        ("http://8.8.4.4/hooks", "insecure_scheme"),
        ("ftp://8.8.4.4/hooks", "invalid_scheme"),
        ("https://user:pw@8.8.4.4/hooks", "credentials_in_url"),
        ("https://nowhere.invalid/hooks", "unresolvable_host"),
    ],
)
def test_urls_that_could_reach_private_networks_are_refused(resolver, url, code):
    resolver["localhost"] = ["127.0.0.1"]
    resolver["intranet.partner.example"] = ["192.168.10.5"]
    # One public and one private answer: refused, a connection could go to
    # either.
    resolver["rebind.partner.example"] = ["8.8.4.4", "10.0.0.8"]
    for address in ("127.0.0.1", "::1", "169.254.169.254", "10.0.0.8", "8.8.4.4"):
        resolver[address] = [address]

    with pytest.raises(ValidationError) as refused:
        validate_endpoint_url(url)

    assert refused.value.code == code


def test_a_private_url_is_refused_when_the_endpoint_is_saved(staff_user, settings):
    """The rule holds in model validation, hence in every form and the
    services; the error is on the url field."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    endpoint = WebhookEndpoint(
        url="https://127.0.0.1:8443/hooks",
        event_types=["milestone.claimed"],
        created_by=staff_user,
    )

    with pytest.raises(ValidationError) as refused:
        endpoint.full_clean()

    assert "not a public address" in refused.value.message_dict["url"][0]


def test_private_urls_and_http_are_accepted_when_the_settings_allow_them(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_ALLOW_HTTP = True

    validate_endpoint_url("http://127.0.0.1:8000/hooks")


@pytest.mark.parametrize(
    "value",
    [[], None, "milestone.claimed", ["milestone.claimed", "milestone.exploded"], ["x"] * 2],
)
def test_event_types_must_be_a_non_empty_list_of_known_types(value):
    with pytest.raises(ValidationError):
        validate_event_types(value)


def test_a_repeated_event_type_is_refused():
    with pytest.raises(ValidationError):
        validate_event_types(["milestone.claimed", "milestone.claimed"])
