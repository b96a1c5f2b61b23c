"""Search across everything a user may see, grouped by kind.

Every kind is read through its own scoping selector, so a partner finds
only its enterprise's objects, a researcher only their achievements and
patents, staff what their institutions and centres reach. Each kind costs
at most one query, whatever the data: the first ``limit_per_kind`` hits and
the number of all of them (a window count; for projects on PostgreSQL, up
to ``CANDIDATES``) come back together; a kind the user sees nothing of
costs none.

A hit is ranked by how it matched the whole query: an exact code or number
first, then a code or number that starts with it, then a name or title that
starts with it, then a match anywhere; within a rank, the shorter label
first (the closer match), then alphabetically. Each word of the query must
appear somewhere in the object's searched fields (case-insensitive
substring), which matches Chinese as it is typed: "纳米抗体" is found inside
a title without word boundaries. On PostgreSQL, trigram indexes
(``search/migrations``) serve those substring matches.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.selectors import is_partner_user, is_researcher_user
from achievements.selectors import achievements_visible_to, patent_applications_visible_to
from core.errors import InvalidInput
from core.i18n import is_chinese
from partnerships.selectors import (
    agreements_visible_to,
    enterprises_visible_to,
    institutions_visible_to,
    joint_centres_visible_to,
    people_visible_to,
)
from projects.selectors import (
    documents_visible_to,
    invoices_visible_to,
    milestones_visible_to,
    projects_visible_to,
)

MIN_LENGTH = 2
# One Chinese, Japanese or Korean character is a word already.
MIN_LENGTH_CJK = 1
MAX_LENGTH = 200
DEFAULT_LIMIT = 5
MAX_LIMIT = 50
# Past this many matches of one kind, the rest are counted no further
# (on PostgreSQL).
CANDIDATES = 1000

# The sides a user searches from: the staff UI, the partner portal, the
# researcher's pages. A hit links to its page on the user's side, or to
# nothing when that side has no page for its kind.
STAFF = "staff"
PORTAL = "portal"
RESEARCH = "research"

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


# --- The query -------------------------------------------------------------------------


def clean_query(raw: str | None) -> str:
    """The query as searched: normalized (NFKC, so full-width letters typed
    on a Chinese keyboard match), trimmed, runs of spaces made one. Refuses
    (``InvalidInput`` on ``q``) a query too short to mean anything — two
    characters, or one Chinese character — or longer than ``MAX_LENGTH``."""
    query = " ".join(unicodedata.normalize("NFKC", raw or "").split())
    if len(query) > MAX_LENGTH:
        raise InvalidInput(
            {
                "q": [
                    gettext("Search for at most %(limit)d characters.") % {"limit": MAX_LENGTH},
                ]
            },
            code="too_long",
        )
    if len(query) < (MIN_LENGTH_CJK if _CJK.search(query) else MIN_LENGTH):
        raise InvalidInput(
            {
                "q": [
                    gettext("Type at least %(limit)d characters (one is enough in Chinese).")
                    % {"limit": MIN_LENGTH}
                ]
            },
            code="too_short",
        )
    return query


def side_of(user) -> str:
    if is_partner_user(user):
        return PORTAL
    if is_researcher_user(user):
        return RESEARCH
    return STAFF


# The search page of each side.
SEARCH_PAGES = {STAFF: "search:page", PORTAL: "portal:search", RESEARCH: "research:search"}


def search_url_for(user) -> str:
    return reverse(SEARCH_PAGES[side_of(user)])


# --- What is found -------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    kind: str
    id: int
    label: str
    code: str
    detail: str
    url: str


@dataclass(frozen=True)
class SearchGroup:
    kind: str
    title: str
    count: int
    hits: list[SearchHit]
    # There are more than ``count``: counting stopped at ``CANDIDATES``.
    capped: bool
    # The kind's list page filtered by the query, when the user's side has
    # one that takes ``q`` ("see all 37 in projects").
    list_url: str

    @property
    def more(self) -> int:
        return self.count - len(self.hits)


@dataclass(frozen=True)
class SearchResults:
    query: str
    groups: list[SearchGroup] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)


# --- The kinds ----------------------------------------------------------------------------


def _bilingual(row: dict, english: str) -> str:
    """The Chinese variant for a Chinese reader when it is filled in."""
    if is_chinese() and row.get(f"{english}_zh"):
        return row[f"{english}_zh"]
    return row[english] or row.get(f"{english}_zh") or ""


def _route(name: str, **kwargs) -> str:
    return reverse(name, kwargs=kwargs)


@dataclass(frozen=True)
class Kind:
    key: str
    title: Promise
    visible: Callable[[object], QuerySet]
    # Codes and numbers: matched exactly, then by prefix, then anywhere.
    codes: tuple[str, ...]
    # Names and titles: matched by prefix, then anywhere.
    names: tuple[str, ...]
    # Descriptions: matched anywhere.
    texts: tuple[str, ...]
    # The field the label is sorted by within a rank.
    sort: str
    values: tuple[str, ...]
    # (label, code, detail) of a row.
    describe: Callable[[dict], tuple[str, str, str]]
    # The hit's page per side: a function of the row, or missing.
    pages: dict[str, Callable[[dict], str]]
    # The kind's list page per side that filters by ``q``.
    lists: dict[str, str]
    # Counted in the hundreds of thousands: its matches are capped (see
    # ``_candidates``). The others are few enough to rank all of them, and
    # their scoping selectors are read once rather than twice.
    many: bool = False

    def fields(self) -> tuple[str, ...]:
        return self.codes + self.names + self.texts


def _party(row: dict) -> tuple[str, str, str]:
    return _bilingual(row, "name"), row["code"], row.get("unified_social_credit_code") or ""


def _project(row: dict) -> tuple[str, str, str]:
    return _bilingual(row, "title"), row["code"], ""


def _agreement(row: dict) -> tuple[str, str, str]:
    return row["title"], row["reference"], row["registration_number"] or ""


def _milestone(row: dict) -> tuple[str, str, str]:
    return (
        row["name"],
        row["project__code"],
        _bilingual(
            {"title": row["project__title"], "title_zh": row["project__title_zh"]}, "title"
        ),
    )


def _invoice(row: dict) -> tuple[str, str, str]:
    return (
        gettext("%(payer)s pays %(payee)s")
        % {"payer": row["payer_name"], "payee": row["payee_name"]},
        row["number"],
        "",
    )


def _achievement(row: dict) -> tuple[str, str, str]:
    return _bilingual(row, "title"), row["reference"], ""


def _application(row: dict) -> tuple[str, str, str]:
    numbers = [row["publication_number"], row["grant_number"]]
    return (
        _bilingual(
            {
                "title": row["family__achievement__title"],
                "title_zh": row["family__achievement__title_zh"],
            },
            "title",
        ),
        row["application_number"] or row["publication_number"] or row["grant_number"],
        " · ".join(number for number in numbers if number and number != row["application_number"]),
    )


def _person(row: dict) -> tuple[str, str, str]:
    employer = {
        "name": row["institution__name"] or row["enterprise__name"] or "",
        "name_zh": row["institution__name_zh"] or row["enterprise__name_zh"] or "",
    }
    name = _bilingual({"full_name": row["full_name"], "full_name_zh": row["name_zh"]}, "full_name")
    return name, row["email"] or "", _bilingual(employer, "name")


def _document(row: dict) -> tuple[str, str, str]:
    return (
        row["original_name"],
        row["project__code"] or row["agreement__reference"] or "",
        (row["description"] or ""),
    )


def _employer_page(row: dict) -> str:
    if row["institution__code"]:
        return _route("partners:institution_detail", code=row["institution__code"])
    if row["enterprise__code"]:
        return _route("partners:enterprise_detail", code=row["enterprise__code"])
    return ""


def _party_kind(key: str, title, visible, *, detail: str, listing: str) -> Kind:
    """Institutions and enterprises: found by code, USCC or either name."""
    return Kind(
        key=key,
        title=title,
        visible=visible,
        codes=("code", "unified_social_credit_code"),
        names=("name", "name_zh"),
        texts=(),
        sort="name",
        values=("id", "code", "name", "name_zh", "unified_social_credit_code"),
        describe=_party,
        pages={STAFF: lambda row: _route(detail, code=row["code"])},
        lists={STAFF: listing},
    )


KINDS: tuple[Kind, ...] = (
    Kind(
        key="project",
        title=_("Projects"),
        visible=projects_visible_to,
        codes=("code",),
        names=("title", "title_zh"),
        texts=("description",),
        sort="title",
        values=("id", "code", "title", "title_zh"),
        describe=_project,
        pages={
            STAFF: lambda row: _route("projects:detail", code=row["code"]),
            PORTAL: lambda row: _route("portal:project_detail", code=row["code"]),
        },
        lists={STAFF: "projects:list", PORTAL: "portal:projects"},
        many=True,
    ),
    _party_kind(
        "institution",
        _("Institutions"),
        institutions_visible_to,
        detail="partners:institution_detail",
        listing="partners:institutions",
    ),
    _party_kind(
        "enterprise",
        _("Enterprises"),
        enterprises_visible_to,
        detail="partners:enterprise_detail",
        listing="partners:enterprises",
    ),
    Kind(
        key="joint_centre",
        title=_("Joint centres"),
        visible=joint_centres_visible_to,
        codes=("code",),
        names=("name", "name_zh"),
        texts=(),
        sort="name",
        values=("id", "code", "name", "name_zh"),
        describe=_party,
        pages={STAFF: lambda row: _route("partners:joint_centre_detail", code=row["code"])},
        lists={STAFF: "partners:joint_centres"},
    ),
    Kind(
        key="agreement",
        title=_("Agreements"),
        visible=agreements_visible_to,
        codes=("reference", "registration_number"),
        names=("title",),
        texts=(),
        sort="title",
        values=("id", "reference", "title", "registration_number"),
        describe=_agreement,
        pages={
            STAFF: lambda row: _route("agreements:detail", reference=row["reference"]),
            PORTAL: lambda row: _route("portal:agreement_detail", reference=row["reference"]),
        },
        lists={STAFF: "agreements:list"},
    ),
    Kind(
        key="milestone",
        title=_("Milestones"),
        visible=milestones_visible_to,
        codes=(),
        names=("name",),
        texts=(),
        sort="name",
        values=("id", "name", "project__code", "project__title", "project__title_zh"),
        describe=_milestone,
        pages={
            STAFF: lambda row: _route("projects:detail", code=row["project__code"]),
            PORTAL: lambda row: _route("portal:milestone_detail", milestone_pk=row["id"]),
        },
        lists={STAFF: "milestones:list"},
    ),
    Kind(
        key="invoice",
        title=_("Invoices"),
        visible=invoices_visible_to,
        codes=("number",),
        names=(),
        texts=(),
        sort="number",
        values=("id", "number", "payer_name", "payee_name"),
        describe=_invoice,
        pages={
            STAFF: lambda row: _route("milestones:invoice_detail", invoice_pk=row["id"]),
            PORTAL: lambda row: _route("portal:invoices"),
        },
        lists={STAFF: "milestones:invoices"},
    ),
    Kind(
        key="achievement",
        title=_("Achievements"),
        visible=achievements_visible_to,
        codes=("reference",),
        names=("title", "title_zh"),
        texts=(),
        sort="title",
        values=("id", "reference", "title", "title_zh"),
        describe=_achievement,
        pages={
            STAFF: lambda row: _route("achievements:detail", pk=row["id"]),
            PORTAL: lambda row: _route("portal:achievement_detail", achievement_pk=row["id"]),
            RESEARCH: lambda row: _route("research:achievement_detail", pk=row["id"]),
        },
        lists={STAFF: "achievements:list"},
    ),
    Kind(
        key="patent_application",
        title=_("Patent applications"),
        visible=patent_applications_visible_to,
        codes=("application_number", "publication_number", "grant_number"),
        names=(),
        texts=(),
        sort="application_number",
        values=(
            "id",
            "application_number",
            "publication_number",
            "grant_number",
            "family_id",
            "family__achievement_id",
            "family__achievement__title",
            "family__achievement__title_zh",
        ),
        describe=_application,
        pages={
            STAFF: lambda row: _route("achievements:family", pk=row["family_id"]),
            PORTAL: lambda row: _route(
                "portal:achievement_detail", achievement_pk=row["family__achievement_id"]
            ),
            RESEARCH: lambda row: _route(
                "research:achievement_detail", pk=row["family__achievement_id"]
            ),
        },
        lists={},
    ),
    Kind(
        key="person",
        title=_("People"),
        visible=people_visible_to,
        codes=("email",),
        names=("full_name", "name_zh"),
        texts=(),
        sort="full_name",
        values=(
            "id",
            "full_name",
            "name_zh",
            "email",
            "institution__code",
            "institution__name",
            "institution__name_zh",
            "enterprise__code",
            "enterprise__name",
            "enterprise__name_zh",
        ),
        describe=_person,
        # A person has no page of their own: staff open their employer's.
        pages={STAFF: _employer_page},
        lists={},
    ),
    Kind(
        key="document",
        title=_("Documents"),
        visible=documents_visible_to,
        codes=(),
        names=("original_name",),
        texts=("description",),
        sort="original_name",
        values=("id", "original_name", "description", "project__code", "agreement__reference"),
        describe=_document,
        pages={
            STAFF: lambda row: (
                _route("projects:document_download", code=row["project__code"], pk=row["id"])
                if row["project__code"]
                else ""
            ),
            PORTAL: lambda row: _route("portal:document_download", document_pk=row["id"]),
        },
        lists={},
    ),
)
KIND_KEYS = tuple(kind.key for kind in KINDS)


# --- The search ---------------------------------------------------------------------------


def _matching(kind: Kind, query: str) -> Q:
    """Every word of the query somewhere in the kind's fields."""
    condition = Q()
    for word in query.split():
        condition &= _any(kind.fields(), "icontains", word)
    return condition


def _any(fields: tuple[str, ...], lookup: str, value: str) -> Q:
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__{lookup}": value})
    return condition


def _rank(kind: Kind, query: str) -> Case:
    """0 an exact code, 1 a code's prefix, 2 a name's prefix, 3 anywhere."""
    whens = []
    if kind.codes:
        whens.append(When(_any(kind.codes, "iexact", query), then=Value(0)))
        whens.append(When(_any(kind.codes, "istartswith", query), then=Value(1)))
    if kind.names:
        whens.append(When(_any(kind.names, "istartswith", query), then=Value(2)))
    return Case(*whens, default=Value(3), output_field=IntegerField())


def _candidates(kind: Kind, visible: QuerySet, query: str) -> tuple[QuerySet, bool]:
    """The user's objects of the kind that match, to rank and count.

    For a kind of many objects, where the database takes a LIMIT inside a
    UNION (PostgreSQL): at most ``CANDIDATES`` of those whose code or name
    starts with the query and as many others, taken in no order. A word
    found in 25,000 descriptions then costs no more than one found in
    1,000, an exact or prefix match is never left out, and the count stops
    there ("1000+"). Both come through the kind's scoping selector; the
    model's manager only reads back the rows they name. Otherwise, all of
    them. Also says whether the count is capped."""
    matching = visible.filter(_matching(kind, query))
    if not (kind.many and connections[visible.db].features.supports_slicing_ordering_in_compound):
        return matching, False
    strong = matching.filter(_any(kind.codes + kind.names, "istartswith", query))
    first = strong.order_by().values("pk")[:CANDIDATES]
    others = matching.order_by().values("pk")[:CANDIDATES]
    return visible.model._default_manager.filter(pk__in=first.union(others)), True


def search_kind(user, kind: Kind, query: str, *, limit: int) -> SearchGroup | None:
    """One kind's hits and their number, in one query; none when the user
    sees none of the kind."""
    visible = kind.visible(user)
    if visible.query.is_empty():
        return None
    candidates, capping = _candidates(kind, visible, query)
    rows = list(
        candidates.annotate(
            search_rank=_rank(kind, query),
            search_length=Length(kind.sort),
            search_total=Window(Count("pk")),
        )
        .order_by("search_rank", "search_length", kind.sort, "pk")
        .values(*kind.values, "search_total")[:limit]
    )
    if not rows:
        return None
    side = side_of(user)
    page = kind.pages.get(side)
    hits = []
    for row in rows:
        label, code, detail = kind.describe(row)
        hits.append(
            SearchHit(
                kind=kind.key,
                id=row["id"],
                label=label,
                code=code,
                detail=detail,
                url=page(row) if page else "",
            )
        )
    list_route = kind.lists.get(side)
    return SearchGroup(
        kind=kind.key,
        title=str(kind.title),
        count=rows[0]["search_total"],
        hits=hits,
        capped=capping and rows[0]["search_total"] >= CANDIDATES,
        list_url=f"{reverse(list_route)}?{urlencode({'q': query})}" if list_route else "",
    )


def search_everything(user, query: str, *, limit_per_kind: int = DEFAULT_LIMIT) -> SearchResults:
    """What ``user`` may see that matches ``query`` (cleaned by
    ``clean_query``), grouped by kind in a fixed order; kinds without hits
    are left out. At most one query per kind."""
    if not user.is_authenticated:
        return SearchResults(query=query)
    limit = max(1, min(limit_per_kind, MAX_LIMIT))
    groups = []
    for kind in KINDS:
        group = search_kind(user, kind, query, limit=limit)
        if group is not None:
            groups.append(group)
    return SearchResults(query=query, groups=groups)


@dataclass(frozen=True)
class SearchPage:
    """What a search page shows for the words typed: nothing yet, the
    reason they cannot be searched, or the results."""

    raw_query: str
    results: SearchResults | None = None
    error: str = ""


def search_page_for(user, raw: str | None, *, limit_per_kind: int) -> SearchPage:
    raw_query = (raw or "").strip()
    if not raw_query:
        return SearchPage(raw_query="")
    try:
        query = clean_query(raw_query)
    except InvalidInput as error:
        return SearchPage(raw_query=raw_query, error=error.fields["q"][0])
    return SearchPage(
        raw_query=raw_query,
        results=search_everything(user, query, limit_per_kind=limit_per_kind),
    )
