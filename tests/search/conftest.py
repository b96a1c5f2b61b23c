"""Two sides of the house, each with one object of every kind that search
finds, named after the side's word: side A (``Alpha``, 甲) belongs to the
staff member's institution and the partner's enterprise; side B (``Bravo``,
乙) to another institution and another enterprise."""

import datetime
from types import SimpleNamespace

import pytest

from achievements.models import AchievementAgreement
from projects.models import Invoice
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    DocumentFactory,
    EnterpriseFactory,
    InstitutionFactory,
    JointCentreFactory,
    MilestoneFactory,
    PartnershipFactory,
    PartnerUserFactory,
    PatentApplicationFactory,
    PatentFamilyFactory,
    PersonFactory,
    ProjectUnderAgreementFactory,
    ResearcherUserFactory,
    UserFactory,
    valid_uscc,
)


def make_side(word: str, chinese: str, number: int) -> SimpleNamespace:
    upper = word.upper()
    institution = InstitutionFactory(
        code=f"INST-{upper}",
        name=f"{word} University",
        name_zh=f"{chinese}大学",
        unified_social_credit_code=valid_uscc(900 + number),
    )
    enterprise = EnterpriseFactory(
        code=f"ENT-{upper}",
        name=f"{word} Therapeutics",
        name_zh=f"{chinese}生物医药有限公司",
        unified_social_credit_code=valid_uscc(800 + number),
    )
    centre = JointCentreFactory(
        code=f"JC-{upper}", name=f"{word} Joint Centre", name_zh=f"{chinese}联合中心"
    )
    partnership = PartnershipFactory(
        code=f"PS-{upper}", institution=institution, enterprise=enterprise
    )
    agreement = AgreementFactory(
        partnership=partnership,
        reference=f"AGR-{upper}",
        title=f"{word} licence of the nanobody platform",
        registration_number=f"REG-{upper}-2025",
    )
    project = ProjectUnderAgreementFactory(
        agreement=agreement,
        code=f"PRJ-{upper}",
        title=f"{word} nanobody programme",
        title_zh=f"{chinese}抗肿瘤纳米抗体平台",
        description=f"Camelid antibodies against {word.lower()}-target tumours",
        partner_enterprises=[enterprise],
    )
    milestone = MilestoneFactory(project=project, name=f"{word} first patient dosed")
    invoice = Invoice.objects.create(
        number=f"INV-{upper}-0001",
        milestone=milestone,
        payee_name=institution.name,
        payer_name=enterprise.name,
        amount=milestone.amount,
        currency=milestone.currency,
        issued_on=datetime.date(2025, 6, 1),
        due_on=datetime.date(2025, 7, 1),
    )
    inventor = PersonFactory(
        full_name=f"{word} Inventor", name_zh=f"{chinese}发明人", institution=institution
    )
    achievement = AchievementFactory(
        owner=institution,
        inventors=[inventor],
        reference=f"ACH-{upper}",
        title=f"{word} humanised nanobody",
        title_zh=f"{chinese}人源化纳米抗体",
    )
    AchievementAgreement.objects.create(
        achievement=achievement, agreement=agreement, mode="licence"
    )
    application = PatentApplicationFactory(
        family=PatentFamilyFactory(achievement=achievement),
        application_number=f"CN2025{number}0001234.5",
        publication_number=f"CN11{number}000123A",
        grant_number=f"CN11{number}000123B",
    )
    contact = PersonFactory(
        full_name=f"{word} Contact",
        name_zh=f"{chinese}联系人",
        email=f"contact@{word.lower()}.example.com",
        institution=None,
        enterprise=enterprise,
    )
    document = DocumentFactory(
        project=project,
        agreement=agreement,
        original_name=f"{word.lower()}-tox-report.pdf",
        description=f"{word} toxicology summary",
    )
    return SimpleNamespace(
        word=word,
        institution=institution,
        enterprise=enterprise,
        centre=centre,
        agreement=agreement,
        project=project,
        milestone=milestone,
        invoice=invoice,
        achievement=achievement,
        application=application,
        inventor=inventor,
        contact=contact,
        document=document,
        staff=UserFactory(institutions=[institution]),
        partner=PartnerUserFactory(enterprise=enterprise),
        researcher=ResearcherUserFactory(person=inventor),
    )


@pytest.fixture
def side_a(db):
    return make_side("Alpha", "甲", 1)


@pytest.fixture
def side_b(db):
    return make_side("Bravo", "乙", 2)
