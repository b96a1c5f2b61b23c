"""Where BioBridge may send webhooks, and what an endpoint may subscribe to.

A webhook URL is a request BioBridge makes on a staff member's behalf from
inside its own network. To keep it from reaching internal services (the
database, Redis, cloud metadata at 169.254.169.254, an intranet), a URL is
refused when its host is, or resolves to, an address that is not globally
routable: private, loopback, link-local, shared (CGNAT), multicast, reserved
or unspecified. Every address the name resolves to must be public; a name
that answers with one public and one private address is refused.

The rule is checked when an endpoint is saved and again on every connection
(``webhooks.transport`` connects only to the addresses checked here), since
DNS can change after the endpoint was saved. ``WEBHOOK_ALLOW_PRIVATE_URLS``
turns the rule off for development and tests.

Plain ``http://`` is refused as well unless ``WEBHOOK_ALLOW_HTTP`` is set:
payloads carry business data (amounts, stages), and the signature proves who
sent a request but does not hide it.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import EventType


class UnsafeDestination(Exception):
    """A webhook URL, or an address its host resolves to, is not allowed.

    Deliberately not an ``OSError``: the HTTP stack passes it through
    untouched instead of treating it as a network failure to retry inside
    one attempt."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def private_urls_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_URLS", False))


def http_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_HTTP", False))


def address_is_public(address: str) -> bool:
    """Whether ``address`` is a globally routable unicast address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        # ::ffff:127.0.0.1 reaches 127.0.0.1.
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = []
    for *_ignored, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    return addresses


def allowed_addresses(host: str, port: int) -> list[str]:
    """The addresses BioBridge may connect to for ``host``: all of them when
    private URLs are allowed, otherwise all of them provided every one is
    public. Raises ``UnsafeDestination``; ``socket.gaierror`` when the name
    does not resolve."""
    addresses = resolve(host, port)
    if not private_urls_allowed():
        refused = [address for address in addresses if not address_is_public(address)]
        if refused:
            raise UnsafeDestination(
                _("%(host)s resolves to %(address)s, which is not a public address.")
                % {"host": host, "address": refused[0]},
                code="private_address",
            )
    return addresses


def url_target(url: str) -> tuple[str, int]:
    """The host and port a webhook URL connects to, after checking its form:
    http(s) only (http only when allowed), a host, no credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeDestination(_("Enter a valid URL."), code="invalid_url") from error
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise UnsafeDestination(_("A webhook URL starts with https://."), code="invalid_scheme")
    if scheme == "http" and not http_allowed():
        raise UnsafeDestination(
            _("A webhook URL must use https:// so that payloads are encrypted in transit."),
            code="insecure_scheme",
        )
    if not parts.hostname:
        raise UnsafeDestination(_("A webhook URL names a host."), code="invalid_url")
    if parts.username or parts.password:
        raise UnsafeDestination(
            _(
                "A webhook URL cannot carry a user name or password; the signature "
                "authenticates BioBridge."
            ),
            code="credentials_in_url",
        )
    return parts.hostname, port or (443 if scheme == "https" else 80)


def check_destination(url: str) -> list[str]:
    """Check ``url`` and the addresses its host resolves to now; the allowed
    addresses. Raises ``UnsafeDestination``."""
    host, port = url_target(url)
    try:
        return allowed_addresses(host, port)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeDestination(
            _("The host %(host)s could not be resolved.") % {"host": host},
            code="unresolvable_host",
        ) from error


def validate_endpoint_url(url: str) -> None:
    """Django validator for ``WebhookEndpoint.url``."""
    try:
        check_destination(url)
    except UnsafeDestination as error:
        raise ValidationError(error.message, code=error.code) from error


def validate_event_types(value) -> None:
    """A non-empty list of known event types, each once."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one event type."), code="required")
    unknown = [item for item in value if item not in EventType.values]
    if unknown:
        raise ValidationError(
            _("Unknown event types: %(types)s.") % {"types": ", ".join(map(str, unknown))},
            code="invalid_choice",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("An event type is listed twice."), code="duplicate")
