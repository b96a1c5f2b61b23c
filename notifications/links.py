"""Where a notice leads a partner user, and a researcher.

The services' events give the staff UI's address of what a notice is about.
Partner users cannot open the staff UI (it answers them 404), so their
notices, and the emails sent from them, link to the portal's page of the
same object, found from the objects in the event. A partner is told only of
its own objects (recipients are the agreement's or the project's parties),
so the portal page is one its scoping allows. When no portal page fits, the
link leads to the portal's overview.

Researchers cannot open the staff UI either: their notices link to their
own pages under ``/research/``, or to their start page.
"""

from django.urls import NoReverseMatch, Resolver404, resolve, reverse

PORTAL_HOME = "portal:overview"
RESEARCH_HOME = "research:home"
# The researcher's page of their rewards from income distributions and
# their statements.
RESEARCH_REWARDS_PATH = "/research/rewards/"


def _reverse(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def project_page(project) -> str | None:
    return _reverse("portal:project_detail", code=project.code)


def milestone_page(milestone) -> str | None:
    return _reverse("portal:milestone_detail", milestone_pk=milestone.pk)


def royalty_report_page(report) -> str | None:
    return _reverse("portal:royalty_report_detail", report_pk=report.pk)


def agreement_page(agreement) -> str | None:
    return _reverse("portal:agreement_detail", reference=agreement.reference)


def invoice_page(invoice) -> str | None:
    """The page of what the invoice bills: its milestone or royalty report,
    or the agreement a fixed payment is owed under."""
    if invoice.milestone_id:
        return _reverse("portal:milestone_detail", milestone_pk=invoice.milestone_id)
    if invoice.fixed_payment_id:
        return agreement_page(invoice.fixed_payment.agreement)
    return _reverse("portal:royalty_report_detail", report_pk=invoice.royalty_report_id)


def royalty_report_form(agreement) -> str | None:
    """The form a licensee reports its sales with, for ``agreement``."""
    page = _reverse("portal:royalty_report_new")
    return f"{page}?agreement={agreement.reference}" if page else None


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


def partner_link(*, portal_url: str | None = None, url: str = "") -> str:
    """The portal address a partner user's notice links to: the portal page
    given, else the portal's page of the staff address, else the overview."""
    return portal_url or _portal_page_of_staff_url(url) or _reverse(PORTAL_HOME) or url


# --- Achievements and disclosures ---------------------------------------------------


def staff_achievement_page(achievement) -> str:
    """The staff UI's page of an achievement, or "" (the notice then opens
    the list of notices) while the staff pages are not installed."""
    return _reverse("achievements:detail", pk=achievement.pk) or ""


def staff_disclosure_page(disclosure) -> str:
    """The staff UI's review page of a disclosure, or "" as above."""
    return _reverse("achievements:disclosure", pk=disclosure.pk) or ""


def research_disclosure_page(disclosure) -> str | None:
    return _reverse("research:disclosure_detail", pk=disclosure.pk)


def research_achievement_page(achievement) -> str | None:
    return _reverse("research:achievement_detail", pk=achievement.pk)


def researcher_link(*, research_url: str | None = None) -> str:
    """The address a researcher's notice links to: the researcher's page
    given, else their start page."""
    return research_url or _reverse(RESEARCH_HOME) or ""
