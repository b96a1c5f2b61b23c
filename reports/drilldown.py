"""The records behind a figure, as rows of a list: each kind of record
shows the columns that say what it is and what it counts for."""

from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _

from core.money import format_money


def _link(record) -> str:
    try:
        return record.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        return ""


def _money(amount, currency):
    return format_money(amount, currency) if amount is not None else "—"


def _agreement_of_payment(payment):
    billed = payment.invoice.billed
    return billed.agreement.reference if billed is not None else ""


COLUMNS = {
    "agreement": (
        (_("Reference"), lambda a: a.reference),
        (_("Title"), lambda a: a.title),
        (_("Kind"), lambda a: a.get_kind_display()),
        (_("Counterparty"), lambda a: a.partnership.enterprise.name),
        (_("Signed on"), lambda a: a.signed_on),
        (_("Contract value"), lambda a: _money(a.contract_value, a.currency)),
    ),
    "payment": (
        (_("Received on"), lambda p: p.paid_on),
        (_("Invoice"), lambda p: p.invoice.number),
        (_("Agreement"), _agreement_of_payment),
        (_("Amount"), lambda p: _money(p.amount, p.currency)),
    ),
    "achievement": (
        (_("Reference"), lambda a: a.reference),
        (_("Title"), lambda a: a.title),
        (_("Kind"), lambda a: a.get_kind_display()),
        (_("Funding source"), lambda a: a.get_funding_source_display()),
        (_("Disclosed on"), lambda a: a.disclosed_on),
    ),
    "patentapplication": (
        (_("Application number"), lambda a: a.application_number or "—"),
        (_("Family"), lambda a: a.family.title),
        (_("Jurisdiction"), lambda a: a.get_jurisdiction_display()),
        (_("Kind"), lambda a: a.get_kind_display()),
        (_("Filed on"), lambda a: a.filed_on),
        (_("Granted on"), lambda a: a.granted_on or "—"),
    ),
    "equityholding": (
        (_("Company"), lambda h: h.company.name),
        (_("Acquired on"), lambda h: h.acquired_on),
        (_("Shares"), lambda h: h.shares),
        (_("Value when acquired"), lambda h: _money(h.value, h.currency)),
        (
            _("Founded by the institution"),
            lambda h: _("Yes") if h.founded_by_institution else _("No"),
        ),
    ),
    "equityrealisation": (
        (_("Company"), lambda r: r.holding.company.name),
        (_("Sold on"), lambda r: r.realised_on),
        (_("Shares sold"), lambda r: r.shares),
        (_("Proceeds"), lambda r: _money(r.proceeds, r.currency)),
    ),
    "staffmobility": (
        (_("Person"), lambda m: m.person.full_name),
        (_("Kind"), lambda m: m.get_kind_display()),
        (_("From"), lambda m: m.starts_on),
        (_("Until"), lambda m: m.ends_on or "—"),
    ),
    "transferentity": (
        (_("Name"), lambda e: e.name),
        (_("Kind"), lambda e: e.get_kind_display()),
        (_("Built"), lambda e: e.get_built_display()),
        (_("Established on"), lambda e: e.established_on),
        (_("Technology managers"), lambda e: e.technology_managers or "—"),
    ),
    "distributionline": (
        (_("Recipient"), lambda line: line.recipient_name),
        (_("Achievement"), lambda line: line.achievement.reference),
        (_("Form"), lambda line: line.get_form_display()),
        (_("Amount"), lambda line: _money(line.amount, line.currency)),
        (_("Main contributor"), lambda line: _("Yes") if line.main_contributor else _("No")),
        (_("Tax treatment"), lambda line: line.get_tax_treatment_display()),
        (_("Period"), lambda line: f"{line.run.period_start} – {line.run.period_end}"),
    ),
    "distributionrun": (
        (_("Period"), lambda run: f"{run.period_start} – {run.period_end}"),
        (_("Net income distributed"), lambda run: _money(run.net_income, run.currency)),
        (_("Approved at"), lambda run: run.approved_at),
    ),
    "ipcost": (
        (_("Incurred on"), lambda c: c.incurred_on),
        (_("Achievement"), lambda c: c.achievement.reference),
        (_("Kind"), lambda c: c.get_kind_display()),
        (_("Description"), lambda c: c.description),
        (_("Amount"), lambda c: _money(c.amount, c.currency)),
    ),
    "enterprise": (
        (_("Name"), lambda e: e.name),
        (_("Founded on"), lambda e: e.founded_on or "—"),
        (_("Province or state"), lambda e: e.region or "—"),
        (_("Ceased operating on"), lambda e: e.dissolved_on or "—"),
    ),
    "stagetransition": (
        (_("Project"), lambda t: f"{t.project.code} {t.project.title}"),
        (_("Decided at"), lambda t: t.decided_at),
    ),
}

# What each kind of row reads beyond itself, fetched with it.
RELATED = {
    "agreement": ("partnership__enterprise",),
    "payment": (
        "invoice__milestone__agreement",
        "invoice__royalty_report__agreement",
        "invoice__fixed_payment__agreement",
    ),
    "patentapplication": ("family",),
    "equityholding": ("company",),
    "equityrealisation": ("holding__company",),
    "staffmobility": ("person",),
    "distributionline": ("achievement", "run"),
    "ipcost": ("achievement",),
    "stagetransition": ("project",),
}
MAX_ROWS = 1000


def drilldown(records) -> tuple[list, list[dict], int]:
    """(headers, rows, total) of a figure's records; at most ``MAX_ROWS``
    rows, each ``{"cells": [...], "url": …}``."""
    name = records.model._meta.model_name
    columns = COLUMNS[name]
    total = records.count()
    records = records.select_related(*RELATED.get(name, ()))
    rows = [
        {"cells": [value(record) for _header, value in columns], "url": _link(record)}
        for record in records[:MAX_ROWS]
    ]
    return [header for header, _value in columns], rows, total
