"""Staff UI pages of partners and agreements: the directory of institutions,
enterprises and joint centres, and the lists of partnerships and agreements.

Every list starts from the scoping selector of its model, so a partner user
who opens one sees only what its enterprise is party to (as in the API);
the partner portal will give partners pages of their own.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.selectors import is_staff_side_user
from core.i18n import localized_name
from core.ui.bulk import BulkActionView
from core.ui.exports import ExportColumn, choice_label
from core.ui.lists import FilteredListView, ListExport, Sorting
from pipelines.selectors import sectors_visible_to

from .choices import (
    AgreementKind,
    CooperationMode,
    EnterpriseSize,
    Exclusivity,
    InstitutionKind,
    PartnershipStatus,
)
from .filtersets import (
    AgreementFilterSet,
    EnterpriseFilterSet,
    InstitutionFilterSet,
    JointCentreFilterSet,
    PartnershipFilterSet,
)
from .models import Agreement, Enterprise
from .selectors import (
    agreements_visible_to,
    centre_parties_visible_to,
    enterprise_list_for,
    institutions_visible_to,
    joint_centre_list_for,
    partnerships_visible_to,
)


@login_required
@require_GET
def partners_index(request):
    """The partners section opens on its first tab."""
    return redirect("partners:institutions")


class PartnerDirectoryView(FilteredListView):
    """A tab of the partners section."""

    tab: str
    clear_url: str
    # The tab's bulk export (see ``_directory_bulk`` below).
    bulk_view = None

    def get_context_data(self, listing):
        return {
            **super().get_context_data(listing),
            "tab": self.tab,
            "clear_url": self.clear_url,
            "bulk": self.bulk_view.bar_for(self.request, listing) if self.bulk_view else None,
        }


def _with_names(rows: list[dict], key: str, names: dict[int, list[str]]) -> None:
    for row in rows:
        row[key] = ", ".join(names.get(row["id"], ()))


# --- Institutions -------------------------------------------------------------------


class InstitutionListView(PartnerDirectoryView):
    template_name = "partnerships/institution_list.html"
    tab = "institutions"
    clear_url = reverse_lazy("partners:institutions")
    filterset_class = InstitutionFilterSet
    shown_filters = ("q", "kind", "country")
    sorting = Sorting(
        columns={
            "code": ["code"],
            "name": ["name"],
            "kind": ["kind"],
            "country": ["country"],
            "city": ["city"],
        },
        default="name",
    )
    export = ListExport(
        filename="institutions",
        fields=("code", "name", "name_zh", "kind", "country", "city", "website"),
        columns=(
            ExportColumn(_("Code"), "code"),
            ExportColumn(_("Name"), "name", width=40),
            ExportColumn(_("Name in Chinese"), "name_zh", width=30),
            ExportColumn(_("Kind"), "kind", choice_label(InstitutionKind.choices)),
            ExportColumn(_("Country"), "country", width=8),
            ExportColumn(_("City"), "city"),
            ExportColumn(_("Website"), "website", width=30),
        ),
    )

    def get_queryset(self):
        return institutions_visible_to(self.request.user)


# --- Enterprises --------------------------------------------------------------------


def _enterprise_sectors(rows: list[dict]) -> None:
    """The sectors of a chunk of enterprises, in one query."""

    names: dict[int, list[str]] = {}
    links = (
        Enterprise.sectors.through.objects.filter(enterprise_id__in=[row["id"] for row in rows])
        .order_by("sector__position")
        .values_list("enterprise_id", "sector__name")
    )
    for enterprise_id, sector in links:
        names.setdefault(enterprise_id, []).append(sector)
    _with_names(rows, "sectors", names)


class EnterpriseListView(PartnerDirectoryView):
    template_name = "partnerships/enterprise_list.html"
    tab = "enterprises"
    clear_url = reverse_lazy("partners:enterprises")
    filterset_class = EnterpriseFilterSet
    shown_filters = ("q", "size", "sector", "country")
    sorting = Sorting(
        columns={
            "code": ["code"],
            "name": ["name"],
            "size": ["size"],
            "country": ["country"],
            "city": ["city"],
        },
        default="name",
    )
    export = ListExport(
        filename="enterprises",
        fields=(
            "id",
            "code",
            "name",
            "name_zh",
            "size",
            "country",
            "city",
            "unified_social_credit_code",
            "website",
        ),
        enrich=_enterprise_sectors,
        columns=(
            ExportColumn(_("Code"), "code"),
            ExportColumn(_("Name"), "name", width=40),
            ExportColumn(_("Name in Chinese"), "name_zh", width=30),
            ExportColumn(_("Size"), "size", choice_label(EnterpriseSize.choices), width=24),
            ExportColumn(_("Sectors"), "sectors", width=30),
            ExportColumn(_("Country"), "country", width=8),
            ExportColumn(_("City"), "city"),
            ExportColumn(_("Unified Social Credit Code"), "unified_social_credit_code", width=22),
            ExportColumn(_("Website"), "website", width=30),
        ),
    )

    def get_queryset(self):
        return enterprise_list_for(self.request.user)

    def configure_form(self, form):
        super().configure_form(form)
        # The sector filter takes a sector's id: offer the sectors by name.
        form.fields["sector"].widget = forms.Select(
            choices=[("", _("All"))]
            + [
                (sector.pk, localized_name(sector))
                for sector in sectors_visible_to(self.request.user).order_by("position")
            ],
            attrs={"class": "form-select"},
        )


# --- Joint centres ------------------------------------------------------------------


class JointCentreListView(PartnerDirectoryView):
    template_name = "partnerships/joint_centre_list.html"
    tab = "joint_centres"
    clear_url = reverse_lazy("partners:joint_centres")
    filterset_class = JointCentreFilterSet
    shown_filters = ("q", "established_after", "established_before")
    filter_labels = {
        "established_after": _("Established from"),
        "established_before": _("Established until"),
    }
    sorting = Sorting(
        columns={"code": ["code"], "name": ["name"], "established_on": ["established_on"]},
        default="name",
    )

    @property
    def export(self):
        user = self.request.user

        def parties(rows: list[dict]) -> None:
            """Hosts and lead enterprises of a chunk of centres, as the user
            may see them, in one query."""
            hosts: dict[int, list[str]] = {}
            leads: dict[int, list[str]] = {}
            for party in centre_parties_visible_to(user).filter(
                centre_id__in=[row["id"] for row in rows]
            ):
                if party.institution_id:
                    hosts.setdefault(party.centre_id, []).append(party.institution.name)
                else:
                    leads.setdefault(party.centre_id, []).append(party.enterprise.name)
            _with_names(rows, "hosts", hosts)
            _with_names(rows, "leads", leads)

        return ListExport(
            filename="joint-centres",
            fields=("id", "code", "name", "name_zh", "established_on"),
            enrich=parties,
            columns=(
                ExportColumn(_("Code"), "code"),
                ExportColumn(_("Name"), "name", width=40),
                ExportColumn(_("Name in Chinese"), "name_zh", width=30),
                ExportColumn(_("Established on"), "established_on", width=12),
                ExportColumn(_("Host institutions"), "hosts", width=40),
                ExportColumn(_("Lead enterprises"), "leads", width=40),
            ),
        )

    def get_queryset(self):
        return joint_centre_list_for(self.request.user)


# --- Partnerships -------------------------------------------------------------------


class PartnershipListView(PartnerDirectoryView):
    template_name = "partnerships/partnership_list.html"
    tab = "partnerships"
    clear_url = reverse_lazy("partners:partnerships")
    filterset_class = PartnershipFilterSet
    shown_filters = ("q", "mode", "status", "started_after", "started_before")
    filter_labels = {"started_after": _("Started from"), "started_before": _("Started until")}
    sorting = Sorting(
        columns={
            "code": ["code"],
            "title": ["title"],
            "mode": ["mode"],
            "status": ["status"],
            "enterprise": ["enterprise__name"],
            "started_on": ["started_on"],
        },
        default="-started_on",
    )
    export = ListExport(
        filename="partnerships",
        fields=(
            "code",
            "title",
            "mode",
            "status",
            "institution__name",
            "joint_centre__name",
            "enterprise__name",
            "enterprise__name_zh",
            "started_on",
            "ended_on",
        ),
        columns=(
            ExportColumn(_("Code"), "code"),
            ExportColumn(_("Title"), "title", width=40),
            ExportColumn(_("Cooperation mode"), "mode", choice_label(CooperationMode.choices)),
            ExportColumn(_("Status"), "status", choice_label(PartnershipStatus.choices)),
            ExportColumn(_("Institution"), "institution__name", width=30),
            ExportColumn(_("Joint centre"), "joint_centre__name", width=30),
            ExportColumn(_("Enterprise"), "enterprise__name", width=30),
            ExportColumn(_("Enterprise (Chinese)"), "enterprise__name_zh", width=30),
            ExportColumn(_("Started on"), "started_on", width=12),
            ExportColumn(_("Ended on"), "ended_on", width=12),
        ),
    )

    def get_queryset(self):
        return partnerships_visible_to(self.request.user)


# --- Agreements ---------------------------------------------------------------------


class AgreementListView(FilteredListView):
    template_name = "partnerships/agreement_list.html"
    filterset_class = AgreementFilterSet
    shown_filters = ("q", "kind", "status", "exclusivity", "mode", "signed_after", "signed_before")
    filter_labels = {"signed_after": _("Signed from"), "signed_before": _("Signed until")}
    sorting = Sorting(
        columns={
            "reference": ["reference"],
            "title": ["title"],
            "kind": ["kind"],
            "status": ["status"],
            "enterprise": ["partnership__enterprise__name"],
            "signed_on": ["signed_on"],
            "expires_on": ["expires_on"],
            "upfront": ["upfront_amount"],
        },
        default="-signed_on",
    )
    export = ListExport(
        filename="agreements",
        fields=(
            "reference",
            "title",
            "kind",
            "status",
            "partnership__code",
            "partnership__mode",
            "partnership__institution__name",
            "partnership__joint_centre__name",
            "partnership__enterprise__name",
            "signed_on",
            "effective_on",
            "expires_on",
            "exclusivity",
            "territory",
            "upfront_amount",
            "currency",
        ),
        columns=(
            ExportColumn(_("Reference"), "reference"),
            ExportColumn(_("Title"), "title", width=40),
            ExportColumn(_("Kind"), "kind", choice_label(AgreementKind.choices)),
            ExportColumn(_("Status"), "status", choice_label(Agreement.Status.choices)),
            ExportColumn(_("Partnership"), "partnership__code"),
            ExportColumn(
                _("Cooperation mode"), "partnership__mode", choice_label(CooperationMode.choices)
            ),
            ExportColumn(_("Institution"), "partnership__institution__name", width=30),
            ExportColumn(_("Joint centre"), "partnership__joint_centre__name", width=30),
            ExportColumn(_("Enterprise"), "partnership__enterprise__name", width=30),
            ExportColumn(_("Signed on"), "signed_on", width=12),
            ExportColumn(_("Effective on"), "effective_on", width=12),
            ExportColumn(_("Expires on"), "expires_on", width=12),
            ExportColumn(_("Exclusivity"), "exclusivity", choice_label(Exclusivity.choices)),
            ExportColumn(_("Territory"), "territory"),
            ExportColumn(_("Upfront payment"), "upfront_amount"),
            ExportColumn(_("Currency"), "currency", width=8),
        ),
    )

    def get_queryset(self):
        return agreements_visible_to(self.request.user)

    def get_context_data(self, listing):
        return {
            **super().get_context_data(listing),
            "clear_url": reverse_lazy("agreements:list"),
            "bulk": AgreementBulkView.bar_for(self.request, listing),
        }


class PartnerDirectoryBulkView(BulkActionView):
    """Export the partners ticked on a tab of the directory, or every one
    matching its filter."""

    @classmethod
    def may_use(cls, user) -> bool:
        return is_staff_side_user(user)


def _directory_bulk(list_view, name: str) -> type[PartnerDirectoryBulkView]:
    """The bulk export of one tab, and the tab told of it."""
    bulk_view = type(
        f"{list_view.__name__.removesuffix('ListView')}BulkView",
        (PartnerDirectoryBulkView,),
        {
            "list_view": list_view,
            "list_url_name": f"partners:{name}",
            "bulk_url_name": f"partners:{name}_bulk",
        },
    )
    list_view.bulk_view = bulk_view
    return bulk_view


InstitutionBulkView = _directory_bulk(InstitutionListView, "institutions")
EnterpriseBulkView = _directory_bulk(EnterpriseListView, "enterprises")
JointCentreBulkView = _directory_bulk(JointCentreListView, "joint_centres")
PartnershipBulkView = _directory_bulk(PartnershipListView, "partnerships")


class AgreementBulkView(BulkActionView):
    """Export the agreements ticked on the list, or every one matching its
    filter."""

    list_view = AgreementListView
    list_url_name = "agreements:list"
    bulk_url_name = "agreements:bulk"

    @classmethod
    def may_use(cls, user) -> bool:
        return is_staff_side_user(user)
