"""The HTTP side of a delivery: one POST, no redirects, bounded in time and
in how much of the answer is read, to checked addresses only.

Connections go through ``GuardedAdapter``: it resolves the host itself,
refuses the connection when an address is not allowed
(``validators.allowed_addresses``) and connects to the checked address, so
a name that changed to a private address after the endpoint was saved (DNS
rebinding) is refused at the moment of connecting, not just when the
endpoint was saved. Environment proxies are ignored for the same reason.
"""

import socket
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from .validators import UnsafeDestination, allowed_addresses, url_target

EXCERPT_BYTES = 2048


@dataclass(frozen=True)
class Answer:
    """What came back: a status code and the start of the body, or an error
    when there was no HTTP answer at all."""

    status_code: int | None = None
    excerpt: str = ""
    error: str = ""
    refused: bool = False

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _connect_to_allowed_address(conn: HTTPConnection):
    host = conn._dns_host.strip("[]")
    try:
        addresses = allowed_addresses(host, conn.port)
    except socket.gaierror as error:
        raise NameResolutionError(conn.host, conn, error) from error
    last_error: OSError | None = None
    for address in addresses:
        try:
            return urllib3_connection.create_connection(
                (address, conn.port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except TimeoutError as error:
            raise ConnectTimeoutError(
                conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})"
            ) from error
        except OSError as error:
            last_error = error
    raise NewConnectionError(conn, f"Failed to establish a new connection: {last_error}")


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self):
        return _connect_to_allowed_address(self)


class _GuardedHTTPSConnection(HTTPSConnection):
    # TLS still verifies the certificate against the host name: only the
    # TCP connection goes to the checked address.
    def _new_conn(self):
        return _connect_to_allowed_address(self)


class _GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections go to allowed addresses only."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPConnectionPool,
            "https": _GuardedHTTPSConnectionPool,
        }


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc from the environment
    session.mount("http://", GuardedAdapter(max_retries=0))
    session.mount("https://", GuardedAdapter(max_retries=0))
    return session


def _read_excerpt(response: requests.Response, deadline: float) -> str:
    """The first ``EXCERPT_BYTES`` of the body, read until ``deadline``: a
    receiver that answers slowly or endlessly cannot hold a worker."""
    chunks = []
    size = 0
    for chunk in response.iter_content(chunk_size=512):
        chunks.append(chunk)
        size += len(chunk)
        if size >= EXCERPT_BYTES or time.monotonic() > deadline:
            break
    return b"".join(chunks)[:EXCERPT_BYTES].decode("utf-8", errors="replace")


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body`` to ``url``; never raises for what the receiver or the
    network does."""
    try:
        url_target(url)
    except UnsafeDestination as refusal:
        return Answer(error=refusal.message, refused=True)
    connect_timeout = settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS
    read_timeout = settings.WEBHOOK_READ_TIMEOUT_SECONDS
    deadline = time.monotonic() + connect_timeout + read_timeout
    with _session() as session:
        try:
            response = session.post(
                url,
                data=body,
                headers=headers,
                timeout=(connect_timeout, read_timeout),
                allow_redirects=False,
                stream=True,
            )
        except UnsafeDestination as refusal:
            return Answer(error=refusal.message, refused=True)
        except requests.RequestException as error:
            return Answer(error=f"{type(error).__name__}: {error}"[:500])
        with response:
            try:
                excerpt = _read_excerpt(response, deadline)
            except requests.RequestException as error:
                excerpt = f"(the answer could not be read: {type(error).__name__})"
            return Answer(status_code=response.status_code, excerpt=excerpt)
