"""The exchange rates page of the staff UI: the recorded rates, a rate added
or corrected by hand, and the central parity table imported from a CSV
file. Research-centre staff only; partners are refused (403).

The rates are core's (``core.exchange``); the page lives here, beside the
money pages that show totals converted with them, because the rule of who
may record a rate is the staff's (docs/money.md).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.selectors import has_full_access, is_centre_staff_user
from core.exchange import (
    exchange_rate_create,
    exchange_rate_update,
    exchange_rates_visible_to,
    reporting_currency,
)
from core.money import Currency
from core.rate_import import MAX_BYTES, exchange_rates_import
from core.ui.editing import Editing, editing_views
from projects.forms import ExchangeRateForm, ExchangeRateImportForm
from projects.views.dashboard import staff_only

RATES_PER_PAGE = 50


def _is_staff(user) -> bool:
    return has_full_access(user) or is_centre_staff_user(user)


RATE_EDITING = Editing(
    form=ExchangeRateForm,
    visible_to=exchange_rates_visible_to,
    key="pk",
    noun="exchange_rate",
    create=exchange_rate_create,
    update=exchange_rate_update,
    template="partnerships/form.html",
    may_create=_is_staff,
    may_edit=lambda user, rate: _is_staff(user),
    list_url="rates:list",
    list_label=gettext_lazy("Exchange rates"),
    new_title=gettext_lazy("New exchange rate"),
    create_label=gettext_lazy("Add the rate"),
    title_field="quotation",
)
rate_create, rate_edit = editing_views(RATE_EDITING)


@staff_only
@require_http_methods(["GET", "POST"])
def rate_list(request):
    """The recorded rates, newest first, filtered by currency, with the
    import of the central parity table."""
    report = None
    form = ExchangeRateImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # The parser refuses a larger file anyway; do not read one whole.
        content = upload.read(MAX_BYTES + 1)
        report = exchange_rates_import(content=content, by=request.user)
        if report.ok:
            messages.success(
                request,
                _(
                    "%(count)d rates imported: %(created)d new, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % {
                    "count": report.imported,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                },
            )
            if report.ignored_columns:
                messages.warning(
                    request,
                    _("Columns ignored (not a currency BioBridge books): %(columns)s.")
                    % {"columns": ", ".join(report.ignored_columns)},
                )
            return redirect("rates:list")
    rates = exchange_rates_visible_to(request.user)
    currency = request.GET.get("currency", "")
    if currency in Currency.values:
        rates = rates.filter(currency=currency) | rates.filter(quote_currency=currency)
    else:
        currency = ""
    page = Paginator(rates.order_by("-valid_on", "currency"), RATES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "projects/rates.html",
        {
            "page": page,
            "import_form": form,
            "report": report,
            "currency": currency,
            "currencies": Currency.values,
            "reporting_currency": reporting_currency(),
        },
        status=400 if report is not None and not report.ok else 200,
    )
