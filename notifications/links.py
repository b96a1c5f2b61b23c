"""Where a notice leads a partner user.

The services name what a notice is about in its event key —
``<event>:<id of the object>[:…]``, e.g. ``milestone_claimed:42:…`` or
``invoice_issued:7`` — and give the staff UI's address as its link. Partner
users cannot open the staff UI (it answers them 404), so their notices, and
the emails sent from them, link to the portal's page of the same object.
The partner's own scoping selectors decide what a link may point to; when no
portal page fits, the link leads to the portal's overview.
"""

from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from .choices import NotificationKind

PORTAL_HOME = "portal:overview"


def _reverse(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _object_id(event_key: str) -> int | None:
    parts = event_key.split(":")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def _milestone_page(user, pk: int) -> str | None:
    return _reverse("portal:milestone_detail", milestone_pk=pk)


def _invoice_page(user, invoice) -> str | None:
    if invoice is None:
        return None
    if invoice.milestone_id:
        return _milestone_page(user, invoice.milestone_id)
    return _reverse("portal:royalty_report_detail", report_pk=invoice.royalty_report_id)


def _invoice_issued(user, pk: int) -> str | None:
    from projects.selectors import invoices_visible_to

    return _invoice_page(user, invoices_visible_to(user).filter(pk=pk).first())


def _payment_recorded(user, pk: int) -> str | None:
    from projects.selectors import payments_visible_to

    payment = payments_visible_to(user).filter(pk=pk).first()
    return _invoice_page(user, payment.invoice if payment else None)


def _royalty_report_page(user, pk: int) -> str | None:
    return _reverse("portal:royalty_report_detail", report_pk=pk)


def _royalty_report_due(user, pk: int) -> str | None:
    from partnerships.selectors import agreements_visible_to

    agreement = agreements_visible_to(user).filter(pk=pk).first()
    page = _reverse("portal:royalty_report_new")
    if agreement is None or page is None:
        return None
    return f"{page}?agreement={agreement.reference}"


# The portal page of each kind of notice a partner may receive, from the id
# in its event key.
PARTNER_PAGES = {
    NotificationKind.CLAIM_AWAITING_VERIFICATION: _milestone_page,
    NotificationKind.MILESTONE_DUE_SOON: _milestone_page,
    NotificationKind.MILESTONE_OVERDUE: _milestone_page,
    NotificationKind.MILESTONE_VERIFIED: _milestone_page,
    NotificationKind.MILESTONE_DISPUTED: _milestone_page,
    NotificationKind.MILESTONE_CLAIMABLE: _milestone_page,
    NotificationKind.INVOICE_ISSUED: _invoice_issued,
    NotificationKind.PAYMENT_RECORDED: _payment_recorded,
    NotificationKind.ROYALTY_REPORT_QUERIED: _royalty_report_page,
    NotificationKind.ROYALTY_REPORT_SUBMITTED: _royalty_report_page,
    NotificationKind.ROYALTY_REPORT_DUE: _royalty_report_due,
}


def _portal_page_of_staff_url(url: str) -> str | None:
    """The portal's page of what a staff UI address shows (a project)."""
    if not url:
        return None
    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return None
    if match.namespaces and match.namespaces[0] == "portal":
        return url
    code = match.kwargs.get("code")
    if match.namespaces and match.namespaces[0] == "projects" and code:
        return _reverse("portal:project_detail", code=code)
    return None


def partner_link(*, user, kind: str, event_key: str, url: str) -> str:
    """The portal address a partner user's notice links to."""
    page = None
    object_id = _object_id(event_key)
    find = PARTNER_PAGES.get(kind)
    if find is not None and object_id is not None:
        page = find(user, object_id)
    return page or _portal_page_of_staff_url(url) or _reverse(PORTAL_HOME) or url
