"""The request id: one name for everything done on behalf of one request.

The web request's id goes into every log record made while it is served,
into the ``X-Request-ID`` response header, into the headers of the Celery
tasks it queues (``config.celery``), and into the webhook deliveries of the
events it causes. A task queued by no request (beat's, a management
command's) is given an id of its own when it starts.

The id lives in a context variable: each gunicorn thread and each task
has its own, and nothing has to be passed along by hand.
"""

import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar, Token

HEADER = "X-Request-ID"
# The same id in the headers of the tasks that a request or task queues.
TASK_HEADER = "request_id"

# What an incoming X-Request-ID may be to be kept: a proxy's or a client's
# id, short and plain enough to sit in a log line and a header unquoted.
# Anything else (too long, spaces, quotes, control characters) is replaced.
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{1,64}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request or task being handled, if any."""
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(incoming: str | None) -> str:
    """``incoming`` when it is a safe id, a new one otherwise."""
    if incoming and _ACCEPTED.fullmatch(incoming):
        return incoming
    return new_request_id()


def request_id_begin(request_id: str) -> Token:
    """Make ``request_id`` the current id; pass the token to
    ``request_id_end`` when the work is done."""
    return _current.set(request_id)


def request_id_end(token: Token) -> None:
    _current.reset(token)


# The token of the id a web request made current. It is ended when Django
# sends request_finished, once the response is written: Django records a
# refused request (4xx) after the last middleware has returned, and that
# record must carry the id too.
_request_token: ContextVar[Token | None] = ContextVar("request_id_token", default=None)


def request_id_begin_request(request_id: str) -> None:
    """Make ``request_id`` current until the request is finished."""
    request_id_end_request()
    _request_token.set(request_id_begin(request_id))


def request_id_end_request(**kwargs) -> None:
    """The receiver of ``request_finished``."""
    token = _request_token.get()
    if token is None:
        return
    _request_token.set(None)
    try:
        request_id_end(token)
    except ValueError:
        # The response was closed in another context than it was made in.
        _current.set(None)


@contextmanager
def request_id_scope(request_id: str | None = None):
    """Run the block under ``request_id`` (a new id when None)."""
    token = request_id_begin(request_id or new_request_id())
    try:
        yield _current.get()
    finally:
        request_id_end(token)
