"""A small institution's year, built by hand, for the annual reports.

The institution reports China's calendar year 2025 and the AUTM fiscal
year 2025, which runs from 1 July 2024 to 30 June 2025 (its fiscal year
starts in July). Every record says in a comment which figures it counts
for, so the expected numbers in the tests can be checked by reading."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from achievements.models import AchievementAgreement, IpCost, PatentApplication, PatentFamily
from distributions.models import (
    DistributionLine,
    DistributionPolicy,
    DistributionRun,
    EquityHolding,
    EquityRealisation,
)
from partnerships.models import Agreement
from projects.models import FixedPayment, Invoice, Payment, RoyaltyReport
from reports.models import AnnualReportInput, StaffMobility, TransferEntity
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    PartnershipFactory,
    PersonFactory,
    ProjectUnderAgreementFactory,
    StageTransitionFactory,
    UserFactory,
)

D = datetime.date


def _agreement(institution, enterprise, reference, kind, signed_on, value=None, **extra):
    return AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise),
        reference=reference,
        title=f"{kind} {reference}",
        kind=kind,
        signed_on=signed_on,
        effective_on=signed_on,
        contract_value=value,
        **extra,
    )


def _invoice(number, amount, **billed):
    return Invoice.objects.create(
        number=number,
        payee_name="Institute",
        payer_name="Payer",
        amount=amount,
        issued_on=D(2019, 1, 1),
        due_on=D(2030, 1, 1),
        **billed,
    )


def fixed_receipt(agreement, kind, amount, paid_on, number):
    """A fixed payment under ``agreement``, invoiced and paid in full on
    ``paid_on``."""
    fixed = FixedPayment.objects.create(
        agreement=agreement, kind=kind, amount=amount, due_date=paid_on, status="paid"
    )
    invoice = _invoice(number, amount, fixed_payment=fixed)
    return Payment.objects.create(invoice=invoice, amount=amount, paid_on=paid_on)


def royalty_receipt(agreement, amount, paid_on, number):
    """Royalties on the sales of the quarter before ``paid_on``."""
    quarter_end = D(paid_on.year, 3 * ((paid_on.month - 1) // 3) + 1, 1) - datetime.timedelta(1)
    report = RoyaltyReport.objects.create(
        agreement=agreement,
        kind="sales",
        period_start=quarter_end.replace(day=1) - datetime.timedelta(days=62),
        period_end=quarter_end,
        net_sales=amount * 20,
        royalty_due=amount,
        status="paid",
    )
    invoice = _invoice(number, amount, royalty_report=report)
    return Payment.objects.create(invoice=invoice, amount=amount, paid_on=paid_on)


def build_year():
    inst = InstitutionFactory(code="SBI", region="Beijing", fiscal_year_start_month=7)

    # Parties.
    large = EnterpriseFactory(name="Large Pharma", size="large")
    startup = EnterpriseFactory(
        name="Spin-out", size="startup", founded_on=D(2025, 3, 1), region="beijing"
    )
    buyer = EnterpriseFactory(name="Buyer", size="sme")
    developer = EnterpriseFactory(name="Developer", size="sme")
    newco = EnterpriseFactory(name="NewCo", size="startup", founded_on=D(2025, 5, 1))
    sold_company = EnterpriseFactory(name="Sold Co", size="sme")

    # Achievements. A1: disclosed in both periods; A2: AUTM FY2025 only
    # (September 2024); A3: China 2025 only (August 2025).
    a1 = AchievementFactory(
        owner=inst, kind="invention", funding_source="government", disclosed_on=D(2025, 2, 10)
    )
    a2 = AchievementFactory(
        owner=inst,
        kind="software_copyright",
        funding_source="industry",
        disclosed_on=D(2024, 9, 1),
    )
    a3 = AchievementFactory(
        owner=inst, kind="invention", funding_source="own", disclosed_on=D(2025, 8, 1)
    )

    # Agreements.
    l0 = _agreement(  # an old licence: royalties, still active
        inst,
        large,
        "L0",
        "licence",
        D(2019, 6, 1),
        Decimal("100000"),
        exclusivity="exclusive",
        expires_on=D(2030, 6, 1),
        licensee_size="large",
    )
    l1 = _agreement(  # exclusive licence to a large company, A1 (government)
        inst,
        large,
        "L1",
        "licence",
        D(2025, 3, 10),
        Decimal("2000000"),
        exclusivity="exclusive",
        licensee_size="large",
        registration_number="2025110000000001",
    )
    l2 = _agreement(  # non-exclusive licence to the start-up formed for it
        inst,
        startup,
        "L2",
        "licence",
        D(2025, 4, 1),
        Decimal("500000"),
        exclusivity="non_exclusive",
        licensee_size="startup",
        licensee_formed_for_licence=True,
    )
    op1 = _agreement(  # option in AUTM FY2025 (not China 2025), terminated in January
        inst,
        large,
        "OP1",
        "option",
        D(2024, 8, 1),
        Decimal("25000"),
        licensee_employees=120,
        status=Agreement.Status.TERMINATED,
        terminated_on=D(2025, 1, 31),
    )
    as1 = _agreement(  # assignment, September 2025: China only
        inst,
        buyer,
        "AS1",
        "assignment",
        D(2025, 9, 15),
        Decimal("1200000"),
        licensee_size="small",
    )
    eq1 = _agreement(  # contribution for equity to NewCo
        inst,
        newco,
        "EQ1",
        "equity_contribution",
        D(2025, 5, 1),
        Decimal("3000000"),
    )
    d1 = _agreement(inst, developer, "D1", "rd_contract", D(2025, 1, 20), Decimal("800000"))
    d2 = _agreement(inst, developer, "D2", "rd_contract", D(2025, 11, 5), Decimal("450000"))
    _agreement(  # a draft: counts nowhere
        inst, large, "DRAFT", "licence", None, Decimal("9000000"), status=Agreement.Status.DRAFT
    )
    for achievement, agreement, mode in (
        (a1, l1, "licence"),
        (a2, l2, "licence"),
        (a3, as1, "assignment"),
        (a2, eq1, "equity_contribution"),
    ):
        AchievementAgreement.objects.create(
            achievement=achievement, agreement=agreement, mode=mode
        )

    # Receipts.
    fixed_receipt(l1, "upfront", Decimal("1000000"), D(2025, 4, 10), "INV-1")  # both
    fixed_receipt(l1, "other", Decimal("300000"), D(2025, 8, 10), "INV-2")  # China only
    royalty_receipt(l0, Decimal("120000"), D(2024, 11, 15), "INV-3")  # AUTM only
    royalty_receipt(l0, Decimal("80000"), D(2025, 5, 20), "INV-4")  # both
    fixed_receipt(l0, "patent_costs", Decimal("20000"), D(2025, 2, 1), "INV-5")  # both
    fixed_receipt(op1, "option_fee", Decimal("25000"), D(2024, 8, 15), "INV-6")  # AUTM only
    fixed_receipt(as1, "upfront", Decimal("600000"), D(2025, 10, 1), "INV-7")  # China only
    fixed_receipt(d1, "other", Decimal("400000"), D(2025, 3, 1), "INV-8")  # China
    fixed_receipt(d1, "other", Decimal("200000"), D(2024, 12, 20), "INV-9")  # neither
    fixed_receipt(d2, "other", Decimal("100000"), D(2026, 1, 10), "INV-10")  # neither

    # Costs of protection.
    for achievement, kind, amount, day in (
        (a1, "counsel", "15000", D(2025, 1, 15)),  # AUTM legal fee
        (a1, "official_fee", "5000", D(2024, 10, 1)),  # AUTM legal fee
        (a2, "evaluation", "8000", D(2025, 3, 1)),  # not a legal fee
        (a3, "legal", "7000", D(2025, 9, 1)),  # after FY2025
    ):
        IpCost.objects.create(
            achievement=achievement,
            kind=kind,
            amount=Decimal(amount),
            incurred_on=day,
            description=kind,
        )

    # Patents. F1: CN first filing (FY2025), then a US application in
    # FY2025 granted in June 2025; the CN patent granted in October 2025.
    f1 = PatentFamily.objects.create(achievement=a1, title="F1", priority_date=D(2024, 8, 1))
    PatentApplication.objects.create(
        family=f1,
        jurisdiction="CN",
        kind="invention",
        filed_on=D(2024, 8, 1),
        granted_on=D(2025, 10, 1),
        status="granted",
    )
    PatentApplication.objects.create(
        family=f1,
        jurisdiction="US",
        kind="invention",
        filed_on=D(2025, 2, 1),
        granted_on=D(2025, 6, 1),
        status="granted",
    )
    f2 = PatentFamily.objects.create(achievement=a3, title="F2", priority_date=D(2025, 8, 5))
    PatentApplication.objects.create(
        family=f2, jurisdiction="CN", kind="invention", filed_on=D(2025, 8, 5), status="filed"
    )

    # Equity: founded the spin-out (under L2), joined NewCo (under EQ1),
    # sold an old holding in full in December 2024.
    EquityHolding.objects.create(
        institution=inst,
        company=startup,
        agreement=l2,
        acquired_on=D(2025, 4, 1),
        shares=100000,
        value=Decimal("300000"),
        founded_by_institution=True,
    )
    EquityHolding.objects.create(
        institution=inst,
        company=newco,
        agreement=eq1,
        acquired_on=D(2025, 5, 1),
        shares=500000,
        value=Decimal("3000000"),
    )
    old = EquityHolding.objects.create(
        institution=inst,
        company=sold_company,
        agreement=l0,
        acquired_on=D(2020, 1, 1),
        shares=1000,
        value=Decimal("10000"),
    )
    EquityRealisation.objects.create(
        holding=old, realised_on=D(2024, 12, 1), shares=1000, proceeds=Decimal("80000")
    )

    # A product on the market under L1 in May 2025.
    project = ProjectUnderAgreementFactory(agreement=l1)
    StageTransitionFactory(
        project=project,
        kind="advance",
        from_stage=project.current_stage,
        to_status="productized",
        decided_at=timezone.make_aware(datetime.datetime(2025, 5, 1, 10)),
    )

    # People: rewards, mobility.
    inventor_x = PersonFactory(institution=inst, full_name="Inventor X")
    inventor_y = PersonFactory(institution=inst, full_name="Inventor Y")
    inventor_z = PersonFactory(institution=inst, full_name="Inventor Z")
    StaffMobility.objects.create(
        institution=inst,
        person=inventor_x,
        kind="part_time",
        starts_on=D(2024, 1, 1),
        ends_on=D(2025, 6, 30),
    )
    StaffMobility.objects.create(
        institution=inst, person=inventor_y, kind="leave", starts_on=D(2025, 7, 1)
    )
    StaffMobility.objects.create(  # ended before 2025
        institution=inst,
        person=inventor_z,
        kind="part_time",
        starts_on=D(2023, 1, 1),
        ends_on=D(2024, 12, 31),
    )
    TransferEntity.objects.create(
        institution=inst,
        name="Transfer office",
        kind="transfer_office",
        built="own",
        established_on=D(2018, 1, 1),
        technology_managers=3,
    )
    TransferEntity.objects.create(
        institution=inst,
        name="Joint lab",
        kind="rd_institution",
        built="joint",
        established_on=D(2025, 5, 1),
        technology_managers=2,
    )
    TransferEntity.objects.create(  # closed in 2024
        institution=inst,
        name="Old platform",
        kind="service_platform",
        built="own",
        established_on=D(2016, 1, 1),
        closed_on=D(2024, 6, 30),
    )

    # One approved distribution run of 2025's net income of 1,000,000.
    preparer, approver = UserFactory(institutions=[inst]), UserFactory(institutions=[inst])
    policy = DistributionPolicy.objects.create(
        institution=inst, name="Statutory", effective_from=D(2020, 1, 1)
    )
    run = DistributionRun.objects.create(
        institution=inst,
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
        policy=policy,
        state="approved",
        net_income=Decimal("1000000"),
        prepared_by=preparer,
        approved_by=approver,
        approved_at=timezone.now(),
    )

    def line(**values):
        person = values.get("person")
        values.setdefault("recipient_name", person.full_name if person else "")
        return DistributionLine.objects.create(run=run, **values)

    line(
        achievement=a1,
        kind="inventor",
        person=inventor_x,
        form="cash",
        amount=Decimal("400000"),
        main_contributor=True,
        tax_treatment="cash_half",
    )
    line(
        achievement=a1,
        kind="inventor",
        person=inventor_y,
        form="cash",
        amount=Decimal("100000"),
        tax_treatment="cash_ordinary",
    )
    line(
        achievement=a2,
        kind="inventor",
        person=inventor_x,
        form="equity",
        amount=Decimal("200000"),
        equity_shares=20000,
        main_contributor=True,
        tax_treatment="equity_deferred",
    )
    line(
        achievement=a1,
        kind="department",
        recipient_name="Lab",
        form="cash",
        amount=Decimal("100000"),
    )
    line(
        achievement=a1,
        kind="co_owner",
        recipient_name="Co-owner",
        form="cash",
        amount=Decimal("50000"),
        co_owner_enterprise=large,
        state="paid",
        settled_on=D(2025, 3, 1),
    )
    # A draft run counts nowhere.
    draft = DistributionRun.objects.create(
        institution=inst,
        period_start=D(2025, 1, 1),
        period_end=D(2025, 6, 30),
        policy=policy,
        net_income=Decimal("999"),
        prepared_by=preparer,
    )
    DistributionLine.objects.create(
        run=draft,
        achievement=a1,
        kind="inventor",
        person=inventor_z,
        recipient_name="Z",
        amount=Decimal("999"),
    )

    AnnualReportInput.objects.create(
        institution=inst,
        report="autm",
        year=2025,
        research_expenditure_government=Decimal("5000000"),
        research_expenditure_industry=Decimal("2000000"),
        research_expenditure_other=Decimal("500000"),
        licensing_ftes=Decimal("2.5"),
        other_staff_ftes=Decimal("1"),
    )

    # Another institution's licence and receipt: in no figure above.
    other = InstitutionFactory()
    foreign = _agreement(other, large, "FOREIGN", "licence", D(2025, 3, 1), Decimal("7777777"))
    fixed_receipt(foreign, "upfront", Decimal("777777"), D(2025, 3, 2), "INV-F")

    return SimpleNamespace(
        institution=inst,
        other=other,
        run=run,
        l0=l0,
        l1=l1,
        l2=l2,
        op1=op1,
        as1=as1,
        eq1=eq1,
        d1=d1,
        d2=d2,
        a1=a1,
        a2=a2,
        a3=a3,
        startup=startup,
    )
