"""The median years in stage, kept in the cache per scope.

The median reads every stay a user sees (200,000 at 100,000 projects), the
largest cost of the dashboard and the reports, yet it changes only when a
stage-gate decision, a project's links, a partnership's mode or a stage's
position change. The services that make those changes call
``stay_medians_changed`` (``projects.services.stays``), which gives the
cached medians a new generation: nothing computed before it is read again.

A cached entry is keyed by the scope it was computed for: not the user but
what the user sees, the institutions, joint centres and partnerships that
choose a staff member's projects (``staff_project_links``), read afresh on
every request. A staff member who leaves an institution, or a partnership
that moves to another institution, lands on another key at once; two staff
members of the same institutions share one entry. Partners and researchers
never see the median and get no cache.

Inside a transaction, which may hold changes of its own, the median is
computed afresh. With the cache unreachable it is computed as if nothing
were cached; a generation that could not be bumped expires with the
entries, ``MEDIANS_TIMEOUT`` at the most.
"""

import hashlib
import logging
import secrets

from django.core.cache import cache
from django.db import connection, transaction
from redis.exceptions import RedisError

from accounts.selectors import has_full_access, is_centre_staff_user
from projects.selectors import staff_project_links

logger = logging.getLogger(__name__)

GENERATION_KEY = "projects:stay-medians:generation"
MEDIANS_TIMEOUT = 15 * 60


def stay_medians_scope(user) -> str | None:
    """What decides which stays the user sees, as a short key; None for a
    user whose median is not cached."""
    if has_full_access(user):
        return "all"
    if not is_centre_staff_user(user):
        return None
    links = "|".join(
        f"{link}:{sorted(set(ids.values_list('id', flat=True)))}"
        for link, ids in staff_project_links(user).items()
    )
    return "staff:" + hashlib.sha256(links.encode()).hexdigest()[:32]


def cached_stay_medians(user, sector: str | None, compute):
    """``compute()``'s medians for the user's scope and ``sector``, from the
    cache when the stays have not changed since they were put there."""
    if connection.in_atomic_block:
        # The transaction may have changed stays it has not committed: its
        # medians must neither come from the cache nor go into it.
        return compute()
    scope = stay_medians_scope(user)
    if scope is None:
        return compute()
    try:
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            generation = _new_generation()
        key = f"projects:stay-medians:{generation}:{scope}:{sector or ''}"
        medians = cache.get(key)
    except RedisError as error:
        logger.warning("Stay medians computed uncached: the cache is unreachable (%s)", error)
        return compute()
    if medians is None:
        medians = compute()
        try:
            cache.set(key, medians, MEDIANS_TIMEOUT)
        except RedisError as error:
            logger.warning("Stay medians not cached: the cache is unreachable (%s)", error)
    return medians


def stay_medians_changed() -> None:
    """The stays changed: once the transaction commits, no median computed
    before is read again."""
    transaction.on_commit(_bump_generation)


def _new_generation() -> str:
    # A random generation rather than a counter: a counter evicted from the
    # cache and started again would meet the entries of its first life.
    generation = secrets.token_hex(8)
    cache.set(GENERATION_KEY, generation, None)
    return generation


def _bump_generation() -> None:
    try:
        _new_generation()
    except RedisError as error:
        logger.warning(
            "Stay medians may be stale for a while: the cache is unreachable (%s)", error
        )
