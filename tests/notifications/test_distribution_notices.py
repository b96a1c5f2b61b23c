"""Notices of income distribution: when a run is approved, each of its
inventors who signs in is told that their reward statement is ready, in
their own language, with a link to their rewards page; nobody else is
told."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from distributions.services import runs
from notifications.choices import NotificationKind
from notifications.links import RESEARCH_REWARDS_PATH
from notifications.models import Notification
from tests.distributions.test_runs import policy, receive
from tests.factories import (
    AchievementFactory,
    AgreementFactory,
    PartnershipFactory,
    PersonFactory,
    ResearcherUserFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_in_process")]

D = Decimal


@pytest.fixture
def preparer(institution):
    return UserFactory(institutions=[institution])


@pytest.fixture
def approver(institution):
    return UserFactory(institutions=[institution])


@pytest.fixture
def li_wei(institution):
    return ResearcherUserFactory(
        person=PersonFactory(institution=institution, full_name="Li Wei"),
        email="li.wei@example.edu.cn",
        language="zh-hans",
    )


@pytest.fixture
def chen_jie(institution):
    return ResearcherUserFactory(
        person=PersonFactory(institution=institution, full_name="Chen Jie"),
        email="chen.jie@example.edu",
        language="en",
    )


@pytest.fixture
def bystander(institution):
    """A researcher of the institution who invented none of it."""
    return ResearcherUserFactory(person=PersonFactory(institution=institution))


@pytest.fixture
def draft(institution, preparer, li_wei, chen_jie):
    """Li Wei 60 %, Chen Jie 30 %, Zhang Min (no account) 10 %; 100,000 net,
    half to the inventors: 30,000, 15,000 and 5,000."""
    zhang_min = PersonFactory(institution=institution, full_name="Zhang Min")
    achievement = AchievementFactory(
        owner=institution, inventors=[li_wei.person, chen_jie.person, zhang_min]
    )
    for person, percent in ((li_wei.person, 60), (chen_jie.person, 30), (zhang_min, 10)):
        achievement.inventors.filter(person=person).update(contribution_percent=percent)
    agreement = AgreementFactory(partnership=PartnershipFactory(institution=institution))
    achievement.agreement_links.create(agreement=agreement, mode="licence")
    policy(institution, (None, "0.5", "0", "0.5", "0"))
    receive(agreement, D("100000"), date(2025, 3, 1))
    return runs.prepare_run(
        preparer, institution, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31)
    )


def notices():
    return Notification.objects.filter(kind=NotificationKind.REWARD_STATEMENT_READY)


def test_each_inventor_with_an_account_is_told_once_in_their_language(
    draft, approver, li_wei, chen_jie, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        runs.approve_run(approver, draft)

    assert sorted(notices().values_list("recipient__email", flat=True)) == [
        "chen.jie@example.edu",
        "li.wei@example.edu.cn",
    ]
    english = notices().get(recipient=chen_jie)
    assert english.title == "Your reward statement for 1 Jan 2025 to 31 Dec 2025 is ready"
    assert "15,000.00 CNY in cash to you" in english.body
    assert english.url == RESEARCH_REWARDS_PATH == "/research/rewards/"
    chinese = notices().get(recipient=li_wei)
    assert "奖励" in chinese.title
    assert "30,000.00" in chinese.body
    assert sorted(message.to[0] for message in mail.outbox) == [
        "chen.jie@example.edu",
        "li.wei@example.edu.cn",
    ]


def test_staff_and_other_researchers_are_not_told(
    draft, approver, preparer, bystander, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        runs.approve_run(approver, draft)

    told = set(notices().values_list("recipient_id", flat=True))
    assert not told & {preparer.pk, approver.pk, bystander.pk}
    assert notices().count() == 2


def test_a_refused_approval_tells_nobody(draft, preparer):
    with pytest.raises(runs.RunError):
        runs.approve_run(preparer, draft)

    assert not notices().exists()


def test_a_draft_tells_nobody(draft):
    assert not notices().exists()


def test_a_correction_tells_each_inventor_the_change(
    draft, approver, preparer, chen_jie, django_capture_on_commit_callbacks
):
    """10,000 more received for the same year: half to the inventors, 30 %
    of it (1,500.00) to Chen Jie."""
    runs.approve_run(approver, draft)
    agreement = draft.achievements.get().achievement.agreement_links.get().agreement
    receive(agreement, D("10000"), date(2025, 6, 1))
    correction = runs.prepare_run(
        preparer,
        draft.institution,
        period_start=None,
        period_end=None,
        corrects=draft,
    )

    with django_capture_on_commit_callbacks(execute=True):
        runs.approve_run(approver, correction)

    notice = notices().get(recipient=chen_jie, event_key=f"run_approved:{correction.pk}")
    assert notice.body == (
        f"{draft.institution.name} approved a correction of the distribution: "
        "your cash reward changes by 1,500.00 CNY."
    )
