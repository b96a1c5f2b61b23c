"""China's annual report on the transformation of scientific and
technological achievements (科技成果转化年度报告, Art. 21 of the Law on
Promoting the Transformation of Scientific and Technological Achievements),
for one institution and one calendar year. Item numbers follow
docs/annual-reports.md, which states each figure's definition.

Contracts count by their signing date and money by the day it was
received; amounts are in yuan (records in another currency are left out,
and the report says how many)."""

from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from achievements.choices import AchievementKind, FundingSource
from achievements.models import AchievementAgreement
from distributions.choices import RewardForm, RewardSource, TaxTreatment
from distributions.models import RunAchievement
from partnerships.choices import AgreementKind
from reports.choices import EntityBuilt, EntityKind, MobilityKind, ReportKind
from reports.computations.periods import (
    BAND_HUNDRED_MILLION,
    BAND_MILLION,
    average,
    calendar_year,
    ratio_percent,
)
from reports.models import AnnualReportInput, StaffMobility, TransferEntity

from . import records
from .figures import MONEY, PERCENT, AnnualReport, Figure

CURRENCY = "CNY"

# Item 3: transformation by transfer, licence and contribution for equity.
TRANSFER_MODES = (
    ("assignment", AgreementKind.ASSIGNMENT, _("Transfer (assignment)")),
    ("licence", AgreementKind.LICENCE, _("Licence")),
    ("equity", AgreementKind.EQUITY_CONTRIBUTION, _("Contribution for equity")),
)
# Item 4: technology development, consulting and service contracts.
TECHNOLOGY_CONTRACTS = (
    ("development", AgreementKind.RD_CONTRACT, _("Technology development")),
    ("consulting", AgreementKind.CONSULTING, _("Technology consulting")),
    ("service", AgreementKind.SERVICE, _("Technology service")),
)


def china_annual_report(institution, year: int) -> AnnualReport:
    """Every figure of the report of ``institution`` for calendar ``year``,
    each with the records it counts."""
    period = calendar_year(year)
    figures: list[Figure] = []
    agreements = records.agreements_of(institution)
    notes = []

    # 2 — Achievements obtained in the year, by type and by funding source.
    obtained = records.achievements_of(institution).filter(
        disclosed_on__range=(period.start, period.end)
    )
    section = "2"
    figures.append(
        Figure(
            "cn.2.achievements",
            section,
            _("Achievements obtained"),
            obtained.count(),
            records=obtained,
        )
    )
    for kind, label in AchievementKind.choices:
        of_kind = obtained.filter(kind=kind)
        figures.append(
            Figure(f"cn.2.kind.{kind}", section, label, of_kind.count(), records=of_kind)
        )
    for source, label in FundingSource.choices:
        of_source = obtained.filter(funding_source=source)
        figures.append(
            Figure(f"cn.2.source.{source}", section, label, of_source.count(), records=of_source)
        )
    granted = records.applications_of(institution).filter(
        granted_on__range=(period.start, period.end)
    )
    figures.append(
        Figure(
            "cn.2.patents_granted", section, _("Patents granted"), granted.count(), records=granted
        )
    )

    # 3 — Transfer, licence, contribution for equity.
    section = "3"
    transfer_kinds = [kind for _key, kind, _label in TRANSFER_MODES]
    signed = records.signed_in(agreements, period).filter(currency=CURRENCY)
    notes += _other_currency_notes(records.signed_in(agreements, period), period)
    for key, kind, label in TRANSFER_MODES:
        figures += _contract_figures(
            f"cn.3.{key}",
            section,
            label,
            agreements.filter(kind=kind),
            signed.filter(kind=kind),
            period,
        )
    transfers = agreements.filter(kind__in=transfer_kinds)
    transfers_signed = signed.filter(kind__in=transfer_kinds)
    figures += _contract_figures(
        "cn.3.total", section, _("All three modes"), transfers, transfers_signed, period
    )
    on_new_contracts = records.received_in(
        records.receipts_under(transfers_signed), period, CURRENCY
    )
    figures.append(
        Figure(
            "cn.3.total.received_on_contracts_of_year",
            section,
            _("Of the cash received: under contracts signed in the year"),
            records.total(on_new_contracts),
            MONEY,
            CURRENCY,
            on_new_contracts,
        )
    )

    # 3a — Of which: achievements of government-funded projects.
    section = "3a"
    funded_signed = records.with_government_funded_achievement(transfers_signed)
    funded_received = records.received_in(
        records.receipts_under(records.with_government_funded_achievement(transfers)),
        period,
        CURRENCY,
    )
    figures += [
        Figure(
            "cn.3a.contracts",
            section,
            _("Contracts"),
            funded_signed.count(),
            records=funded_signed,
        ),
        Figure(
            "cn.3a.contract_value",
            section,
            _("Contract value"),
            records.total(funded_signed, "contract_value"),
            MONEY,
            CURRENCY,
            funded_signed,
        ),
        Figure(
            "cn.3a.received",
            section,
            _("Cash received in the year"),
            records.total(funded_received),
            MONEY,
            CURRENCY,
            funded_received,
        ),
    ]

    # 3b — Value bands and average.
    section = "3b"
    over_million = transfers_signed.filter(contract_value__gte=BAND_MILLION)
    over_hundred_million = transfers_signed.filter(contract_value__gte=BAND_HUNDRED_MILLION)
    count = transfers_signed.count()
    value = records.total(transfers_signed, "contract_value")
    figures += [
        Figure(
            "cn.3b.contracts_1m_and_above",
            section,
            _("Contracts of 1 million yuan and above"),
            over_million.count(),
            records=over_million,
        ),
        Figure(
            "cn.3b.value_1m_and_above",
            section,
            _("Value of contracts of 1 million yuan and above"),
            records.total(over_million, "contract_value"),
            MONEY,
            CURRENCY,
            over_million,
        ),
        Figure(
            "cn.3b.share_of_count_1m_and_above",
            section,
            _("Contracts of 1 million yuan and above: share of the count"),
            ratio_percent(over_million.count(), count),
            PERCENT,
        ),
        Figure(
            "cn.3b.share_of_value_1m_and_above",
            section,
            _("Contracts of 1 million yuan and above: share of the value"),
            ratio_percent(records.total(over_million, "contract_value"), value),
            PERCENT,
        ),
        Figure(
            "cn.3b.contracts_100m_and_above",
            section,
            _("Contracts of 100 million yuan and above"),
            over_hundred_million.count(),
            records=over_hundred_million,
        ),
        Figure(
            "cn.3b.average_contract_value",
            section,
            _("Average contract value"),
            average(value, count),
            MONEY,
            CURRENCY,
        ),
    ]

    # 4 — Technology development, consulting and service contracts.
    section = "4"
    technology_kinds = [kind for _key, kind, _label in TECHNOLOGY_CONTRACTS]
    for key, kind, label in TECHNOLOGY_CONTRACTS:
        figures += _contract_figures(
            f"cn.4.{key}",
            section,
            label,
            agreements.filter(kind=kind),
            signed.filter(kind=kind),
            period,
        )
    figures += _contract_figures(
        "cn.4.total",
        section,
        _("All three kinds"),
        agreements.filter(kind__in=technology_kinds),
        signed.filter(kind__in=technology_kinds),
        period,
    )

    # 4a — R&D institutions, transfer offices and service platforms built.
    section = "4a"
    entities = TransferEntity.objects.filter(institution=institution)
    operating = entities.filter(established_on__lte=period.end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=period.end)
    )
    for kind, kind_label in EntityKind.choices:
        for built, built_label in EntityBuilt.choices:
            rows = operating.filter(kind=kind, built=built)
            figures.append(
                Figure(
                    f"cn.4a.{kind}.{built}",
                    section,
                    format_lazy("{} · {}", kind_label, built_label),
                    rows.count(),
                    records=rows,
                )
            )
    new_entities = entities.filter(established_on__range=(period.start, period.end))
    figures += [
        Figure(
            "cn.4a.established_in_year",
            section,
            _("Of which established in the year"),
            new_entities.count(),
            records=new_entities,
        ),
        Figure(
            "cn.4a.technology_managers",
            section,
            _("Technology managers"),
            operating.aggregate(n=Sum("technology_managers"))["n"] or 0,
            records=operating,
        ),
    ]

    # 4b — Companies founded or joined.
    section = "4b"
    holdings = records.equity_holdings_of(institution)
    acquired = holdings.filter(acquired_on__range=(period.start, period.end))
    founded = acquired.filter(founded_by_institution=True)
    joined = acquired.filter(founded_by_institution=False)
    held = _held_at(holdings, period.end)
    figures += [
        Figure(
            "cn.4b.companies_founded",
            section,
            _("Companies founded in the year"),
            _companies(founded),
            records=founded,
        ),
        Figure(
            "cn.4b.companies_joined",
            section,
            _("Companies joined as shareholder in the year"),
            _companies(joined),
            records=joined,
        ),
        Figure(
            "cn.4b.companies_held",
            section,
            _("Companies held at the end of the year"),
            _companies(held),
            records=held,
        ),
    ]

    # 4c — Staff mobility.
    section = "4c"
    active = (
        StaffMobility.objects.filter(institution=institution, starts_on__lte=period.end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.start))
        .select_related("person")
    )
    for kind, label in MobilityKind.choices:
        rows = active.filter(kind=kind)
        figures.append(
            Figure(
                f"cn.4c.{kind}",
                section,
                label,
                rows.values("person").distinct().count(),
                records=rows,
            )
        )

    # 5 — Rewards and remuneration to persons.
    section = "5"
    rewards = records.rewards_of(institution, period, CURRENCY)
    cash = rewards.filter(form=RewardForm.CASH)
    equity = rewards.filter(form=RewardForm.EQUITY)
    rewards_total = records.total(rewards)
    persons = rewards.values("person").distinct().count()
    # A correction changes a reward already counted; it rewards no one anew.
    person_times = (
        rewards.filter(run__corrects__isnull=True).values("run", "person").distinct().count()
    )
    figures += [
        Figure(
            "cn.5.rewards",
            section,
            _("Rewards and remuneration"),
            rewards_total,
            MONEY,
            CURRENCY,
            rewards,
        ),
        Figure("cn.5.cash", section, _("In cash"), records.total(cash), MONEY, CURRENCY, cash),
        Figure(
            "cn.5.equity", section, _("In equity"), records.total(equity), MONEY, CURRENCY, equity
        ),
        Figure("cn.5.persons", section, _("Persons rewarded"), persons, records=rewards),
        Figure(
            "cn.5.person_times", section, _("Person-times rewarded"), person_times, records=rewards
        ),
        Figure(
            "cn.5.average_per_person",
            section,
            _("Average reward per person"),
            average(rewards_total, persons),
            MONEY,
            CURRENCY,
        ),
    ]
    # 5a — Of which to the main contributors.
    section = "5a"
    main = rewards.filter(main_contributor=True)
    main_total = records.total(main)
    figures += [
        Figure(
            "cn.5a.main_contributors",
            section,
            _("Rewards to the main contributors"),
            main_total,
            MONEY,
            CURRENCY,
            main,
        ),
        Figure(
            "cn.5a.main_contributor_persons",
            section,
            _("Main contributors rewarded"),
            main.values("person").distinct().count(),
            records=main,
        ),
        Figure(
            "cn.5a.share",
            section,
            _("Share of all rewards"),
            ratio_percent(main_total, rewards_total),
            PERCENT,
        ),
    ]
    # 5b — Rewards as a share of net income.
    section = "5b"
    runs = records.approved_runs_of(institution, period).filter(currency=CURRENCY)
    net_income = records.total(runs, "net_income")
    figures += [
        Figure(
            "cn.5b.net_income",
            section,
            _("Net income from transformation"),
            net_income,
            MONEY,
            CURRENCY,
            runs,
        ),
        # Art. 45 sets its floors apart: a share of the net income in cash,
        # a share of the equity received in shares; rewards in equity over
        # cash income would exceed 100 %.
        Figure(
            "cn.5b.share",
            section,
            _("Cash rewards from net income as a share of it"),
            ratio_percent(records.total(cash.filter(source=RewardSource.NET_INCOME)), net_income),
            PERCENT,
        ),
        Figure(
            "cn.5b.equity_share",
            section,
            _("Shares granted as a share of the shares received"),
            ratio_percent(
                sum((line.equity_shares or 0 for line in equity), 0),
                records.total(
                    RunAchievement.objects.filter(run__in=runs), "equity_shares_received"
                ),
            ),
            PERCENT,
        ),
    ]
    # 5c — Tax treatment.
    section = "5c"
    for treatment, label in (
        (TaxTreatment.CASH_HALF_REDUCTION, _("Cash rewards taxed on half their amount")),
        (TaxTreatment.CASH_ORDINARY, _("Cash rewards taxed in full")),
        (TaxTreatment.EQUITY_DEFERRED, _("Equity rewards with tax deferred")),
    ):
        rows = rewards.filter(tax_treatment=treatment)
        figures.append(
            Figure(
                f"cn.5c.{treatment}", section, label, records.total(rows), MONEY, CURRENCY, rows
            )
        )

    # 6 — The project list.
    section = "6"
    project_rows, listed = _project_list(
        agreements, transfer_kinds + technology_kinds, period, rewards
    )
    figures.append(
        Figure("cn.6.projects", section, _("Projects listed"), len(project_rows), records=listed)
    )

    inputs = AnnualReportInput.objects.filter(
        institution=institution, report=ReportKind.CHINA_ANNUAL, year=year
    ).first()
    return AnnualReport(
        kind=ReportKind.CHINA_ANNUAL,
        institution=institution,
        year=year,
        period=period,
        currency=CURRENCY,
        figures=figures,
        inputs=inputs,
        rows=project_rows,
        notes=notes,
    )


def _contract_figures(prefix, section, label, agreements, signed, period) -> list[Figure]:
    """The three metrics of a kind of contract: contracts signed in the
    year, their value, and the cash received in the year under any
    contract of the kind, whenever it was signed."""
    received = records.received_in(records.receipts_under(agreements), period, CURRENCY)
    return [
        Figure(
            f"{prefix}.contracts",
            section,
            format_lazy(_("{kind}: contracts"), kind=label),
            signed.count(),
            records=signed,
        ),
        Figure(
            f"{prefix}.contract_value",
            section,
            format_lazy(_("{kind}: contract value"), kind=label),
            records.total(signed, "contract_value"),
            MONEY,
            CURRENCY,
            signed,
        ),
        Figure(
            f"{prefix}.received",
            section,
            format_lazy(_("{kind}: cash received in the year"), kind=label),
            records.total(received),
            MONEY,
            CURRENCY,
            received,
        ),
    ]


def _held_at(holdings, day):
    """Holdings acquired by ``day`` and not sold in full by then."""
    still_held = (
        holdings.filter(acquired_on__lte=day)
        .annotate(
            sold=Coalesce(
                Sum("realisations__shares", filter=Q(realisations__realised_on__lte=day)),
                Decimal(0),
            )
        )
        .filter(sold__lt=F("shares"))
        .values("id")
    )
    return holdings.filter(id__in=still_held)


def _companies(holdings) -> int:
    return holdings.values("company").distinct().count()


def _project_list(agreements, kinds, period, rewards):
    """One row per contract signed in the year or with cash received in it:
    name, mode, counterparty, contract value, cash received in the year,
    registration number, and the rewards of its achievements in the
    year's runs."""
    of_kinds = agreements.filter(kind__in=kinds)
    received_rows = (
        records.received_in(records.receipts_under(of_kinds), period, CURRENCY)
        .order_by()
        .annotate(
            agreement_id=Coalesce(
                "invoice__milestone__agreement_id",
                "invoice__royalty_report__agreement_id",
                "invoice__fixed_payment__agreement_id",
            )
        )
    )
    # Summed by the database, not payment by payment: an office's year may
    # hold thousands of receipts.
    received_by_agreement: dict[int, Decimal] = {
        row["agreement_id"]: row["total"]
        for row in received_rows.values("agreement_id").annotate(total=Sum("amount"))
    }
    listed = of_kinds.filter(
        Q(signed_on__range=(period.start, period.end), currency=CURRENCY)
        | Q(id__in=received_rows.values("agreement_id"))
    ).order_by("signed_on", "reference")
    reward_by_achievement = {
        row["achievement"]: row["amount"]
        for row in rewards.values("achievement").annotate(amount=Sum("amount"))
    }
    achievements_by_agreement: dict[int, list[int]] = {}
    for agreement_id, achievement_id in AchievementAgreement.objects.filter(
        agreement__in=listed.values("id")
    ).values_list("agreement_id", "achievement_id"):
        achievements_by_agreement.setdefault(agreement_id, []).append(achievement_id)
    # Each label translated once, not once per contract.
    kind_labels = {kind: str(label) for kind, label in AgreementKind.choices}
    rows = []
    for agreement in listed:
        achievement_ids = achievements_by_agreement.get(agreement.id, [])
        rows.append(
            {
                "reference": agreement.reference,
                "title": agreement.title,
                "kind": agreement.kind,
                "kind_label": kind_labels[agreement.kind],
                "counterparty": agreement.partnership.enterprise.legal_name,
                "signed_on": agreement.signed_on,
                "contract_value": agreement.contract_value
                if agreement.currency == CURRENCY
                else None,
                "received": received_by_agreement.get(agreement.id, Decimal(0)),
                "registration_number": agreement.registration_number,
                "rewards": sum(
                    (reward_by_achievement.get(i, Decimal(0)) for i in achievement_ids),
                    Decimal(0),
                ),
            }
        )
    return rows, listed


def _other_currency_notes(signed, period) -> list[str]:
    other = signed.exclude(currency=CURRENCY).values("currency").annotate(n=Count("id"))
    return [
        str(_("%(count)s contracts signed in %(currency)s are not in the yuan totals."))
        % {"count": row["n"], "currency": row["currency"]}
        for row in other
    ]
