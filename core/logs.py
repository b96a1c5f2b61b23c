"""Log records as JSON lines (``LOG_FORMAT=json``, production) or plain
text (elsewhere), each with the id of the request or task it was made for.

The JSON is written here in a few lines with orjson, which the API already
uses: a logging library would bring its own configuration style for what
the standard one does with a formatter and a filter.
"""

import logging
from datetime import UTC, datetime

import orjson

from core.request_id import current_request_id

# The fields of the access record (``core.middleware.RequestIdMiddleware``),
# written out when a record carries them.
ACCESS_FIELDS = ("method", "route", "status", "duration_ms", "user_id")


class RequestIdFilter(logging.Filter):
    """Gives every record the current request id (None outside a request
    or task). On the handler, so records of every logger get it."""

    def filter(self, record):
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request
    id, the access record's fields, and the traceback of an exception."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(entry, default=str).decode()


class PlainFormatter(logging.Formatter):
    """The plain format, with the request id at the end of a record made
    for a request or task."""

    def formatMessage(self, record):
        # Before a traceback, which format() adds after this.
        line = super().formatMessage(record)
        request_id = getattr(record, "request_id", None)
        return f"{line} [{request_id}]" if request_id else line
