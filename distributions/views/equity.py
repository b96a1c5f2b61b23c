"""The staff pages of equity held and of own exploitation: the holdings
received for contributions (作价投资) and their sales, and the operating
profit of achievements the institution exploits itself."""

from django.contrib import messages
from django.db.models import DecimalField, F, Prefetch, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from achievements.views.common import call_service, form_page, staff_view
from core.i18n import localized_name

from ..equity_forms import HoldingForm, OperatingProfitForm, SaleForm
from ..models import EquityRealisation
from ..selectors import equity_holdings_visible_to, operating_profits_visible_to
from ..services import equity as services


def _crumbs():
    return [(reverse("equity:list"), _("Equity and own exploitation"))]


@staff_view
def equity_list(request):
    holdings = (
        equity_holdings_visible_to(request.user)
        .select_related("institution", "company", "agreement")
        .annotate(
            held=F("shares")
            - Coalesce(Sum("realisations__shares"), Value(0), output_field=DecimalField())
        )
        .prefetch_related(
            Prefetch("realisations", queryset=EquityRealisation.objects.order_by("realised_on"))
        )
        .order_by("-acquired_on", "-id")
    )
    profits = (
        operating_profits_visible_to(request.user)
        .select_related("achievement", "institution")
        .order_by("-year", "achievement__reference")
    )
    return render(
        request,
        "distributions/equity_list.html",
        {"holdings": holdings, "profits": profits},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def holding_create(request):
    form = HoldingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        holding = call_service(
            form, services.record_holding, user=request.user, **form.cleaned_data
        )
        if holding is not None:
            messages.success(request, _("Holding recorded."))
            return redirect("equity:list")
    return form_page(
        request,
        form,
        title=_("Record equity received"),
        crumbs=_crumbs(),
        submit=_("Record the holding"),
        cancel_url=reverse("equity:list"),
    )


@staff_view
@require_http_methods(["GET", "POST"])
def sale_create(request, pk):
    holding = get_object_or_404(equity_holdings_visible_to(request.user), pk=pk)
    form = SaleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sale = call_service(
            form, services.record_sale, user=request.user, holding=holding, **form.cleaned_data
        )
        if sale is not None:
            messages.success(request, _("Sale recorded."))
            return redirect("equity:list")
    return form_page(
        request,
        form,
        title=_("Record a sale of shares in %(company)s")
        % {"company": localized_name(holding.company)},
        crumbs=_crumbs(),
        submit=_("Record the sale"),
        cancel_url=reverse("equity:list"),
        explanation=_("%(held)s shares are still held.") % {"held": services.shares_held(holding)},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def operating_profit_create(request):
    form = OperatingProfitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        record = call_service(
            form, services.record_operating_profit, user=request.user, **form.cleaned_data
        )
        if record is not None:
            messages.success(request, _("Operating profit recorded."))
            return redirect("equity:list")
    return form_page(
        request,
        form,
        title=_("Record the operating profit of own exploitation"),
        crumbs=_crumbs(),
        submit=_("Record the profit"),
        cancel_url=reverse("equity:list"),
        explanation=_(
            "The inventors share a year's operating profit for the years their institution's "
            "policy says, in the distribution run that covers the year's end."
        ),
    )
