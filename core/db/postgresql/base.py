"""PostgreSQL, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django checks a persistent connection before the
first query of each request by sending ``SELECT 1``: a round trip to the
server on every request, to find out something that nearly always holds.
A server that ends a connection (a restart, ``pg_terminate_backend``, an idle
timeout, a proxy closing it) tells the client so on the socket: it sends a
closing message or closes it, and the socket then has something to read.
A connection at rest has nothing to read, since Django listens for no
notifications. So the check looks at the socket first, without waiting: if
there is nothing to read, the connection is as it was left; if there is
something, Django's ``SELECT 1`` decides, as before. A connection that
Django already knows to be broken (closed, or in an unknown state) fails the
check without a look.

What no check of either kind sees in time is a peer that vanished without
a word (a network cut): ``SELECT 1`` would wait for the TCP timeout too.
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.pool
            or self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
        ):
            return super().close_if_health_check_failed()
        if not self._at_rest_and_quiet():
            super().close_if_health_check_failed()
        self.health_check_done = True

    def _at_rest_and_quiet(self) -> bool:
        """The connection is open, idle and has nothing to read."""
        connection = self.connection
        if connection.closed or connection.info.transaction_status not in (
            TransactionStatus.IDLE,
            TransactionStatus.INTRANS,
        ):
            return False
        poller = select.poll()
        try:
            poller.register(connection.fileno(), select.POLLIN)
            return not poller.poll(0)
        except (OSError, ValueError):
            return False
