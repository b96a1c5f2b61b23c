"""Who is told of what: the notices each domain event leads to.

Each handler chooses the recipients, writes the notice's words in each
recipient's language (``NoticeText``), gives the staff UI's address and the
portal's page of the object in the event, and names the event with a key:
notices are unique per recipient and key, so an event told twice (a
reminder round run twice on a day) tells nobody twice. Keep the keys'
format as it is: notices already stored carry it.

Registered by ``NotificationsConfig.ready()``.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy

from achievements.choices import DeadlineKind
from achievements.events import (
    DeadlineDue,
    DisclosureConverted,
    DisclosureReturned,
    DisclosureSubmitted,
)
from achievements.selectors import (
    achievement_office_staff,
    disclosure_inventor_users,
    institutions_staff,
)
from core.events import subscribe
from distributions.events import RunApproved
from distributions.selectors import run_inventor_statements
from partnerships.choices import Renewal
from partnerships.events import AgreementExpiring
from partnerships.selectors import enterprise_admins, enterprise_users, research_party_users
from projects.choices import MilestoneStatus, TransitionKind
from projects.events import (
    FixedPaymentDueSoon,
    FixedPaymentInvoiced,
    FixedPaymentOverdue,
    MilestoneClaimable,
    MilestoneClaimed,
    MilestoneDisputed,
    MilestoneDueSoon,
    MilestoneInvoiced,
    MilestoneOverdue,
    MilestoneReminderSent,
    MilestoneVerified,
    PaymentRecorded,
    ProjectStageChanged,
    RoyaltyReportDue,
    RoyaltyReportInvoiced,
    RoyaltyReportQueried,
    RoyaltyReportResubmitted,
    RoyaltyReportSubmitted,
)
from projects.selectors import project_stakeholders

from .choices import NotificationKind
from .links import (
    RESEARCH_REWARDS_PATH,
    agreement_page,
    invoice_page,
    milestone_page,
    project_page,
    research_achievement_page,
    research_disclosure_page,
    royalty_report_form,
    royalty_report_page,
    staff_achievement_page,
    staff_disclosure_page,
)
from .models import Notification
from .services import notify
from .text import Localized, Money, NoticeText, choice_label, lowercase

# --- Stage gates ----------------------------------------------------------------


@subscribe(ProjectStageChanged)
def tell_stage_changed(event: ProjectStageChanged) -> list[Notification]:
    project, transition = event.project, event.transition
    return notify(
        recipients=project_stakeholders(project),
        kind=NotificationKind.STAGE_CHANGED,
        event_key=f"stage_changed:{transition.pk}",
        title=NoticeText(
            gettext_lazy("%(code)s: %(kind)s — %(stage)s"),
            code=project.code,
            kind=TransitionKind(transition.kind).label,
            stage=Localized(transition.to_stage),
        ),
        body=transition.rationale,
        url=project.get_absolute_url(),
        portal_url=project_page(project),
    )


# --- Milestones -----------------------------------------------------------------


@subscribe(MilestoneClaimable)
def tell_milestone_claimable(event: MilestoneClaimable) -> list[Notification]:
    milestone = event.milestone
    if event.on_stage_entry:
        body = NoticeText(
            gettext_lazy(
                "The project entered %(stage)s. Claim %(amount)s %(currency)s with evidence."
            ),
            stage=Localized(milestone.trigger_stage),
            amount=Money(milestone.amount, milestone.currency, code=False),
            currency=milestone.currency,
        )
    else:
        body = NoticeText(
            gettext_lazy("%(amount)s %(currency)s, due %(due)s."),
            amount=Money(milestone.amount, milestone.currency, code=False),
            currency=milestone.currency,
            due=milestone.due_date,
        )
    return notify(
        recipients=research_party_users(milestone.agreement),
        kind=NotificationKind.MILESTONE_CLAIMABLE,
        event_key=f"milestone_claimable:{milestone.pk}:{milestone.triggered_on}",
        title=NoticeText(
            gettext_lazy("%(code)s: milestone “%(name)s” can be claimed"),
            code=milestone.project.code,
            name=milestone.name,
        ),
        body=body,
        url=milestone.project.get_absolute_url(),
        portal_url=milestone_page(milestone),
    )


@subscribe(MilestoneClaimed)
def tell_claim_awaiting_verification(event: MilestoneClaimed) -> list[Notification]:
    milestone = event.milestone
    return notify(
        recipients=enterprise_users(milestone.agreement),
        kind=NotificationKind.CLAIM_AWAITING_VERIFICATION,
        event_key=f"milestone_claimed:{milestone.pk}:{milestone.claimed_at.timestamp()}",
        title=NoticeText(
            gettext_lazy("%(code)s: please verify the claim for “%(name)s”"),
            code=milestone.project.code,
            name=milestone.name,
        ),
        body=NoticeText(
            gettext_lazy("%(amount)s %(currency)s. Evidence: %(evidence)s"),
            amount=Money(milestone.amount, milestone.currency, code=False),
            currency=milestone.currency,
            evidence=milestone.claim_note or gettext_lazy("see the attached documents"),
        ),
        url=milestone.project.get_absolute_url(),
        portal_url=milestone_page(milestone),
    )


@subscribe(MilestoneVerified)
def tell_milestone_verified(event: MilestoneVerified) -> list[Notification]:
    milestone = event.milestone
    return notify(
        recipients=research_party_users(milestone.agreement),
        kind=NotificationKind.MILESTONE_VERIFIED,
        event_key=f"milestone_verified:{milestone.pk}",
        title=NoticeText(
            gettext_lazy("%(code)s: “%(name)s” verified, ready to invoice"),
            code=milestone.project.code,
            name=milestone.name,
        ),
        body=milestone.verification_comment,
        url=milestone.project.get_absolute_url(),
        portal_url=milestone_page(milestone),
    )


@subscribe(MilestoneDisputed)
def tell_milestone_disputed(event: MilestoneDisputed) -> list[Notification]:
    milestone = event.milestone
    return notify(
        recipients=research_party_users(milestone.agreement),
        kind=NotificationKind.MILESTONE_DISPUTED,
        # Each dispute of a claim is news: a claim may be disputed again
        # after it is resubmitted.
        event_key=f"milestone_disputed:{milestone.pk}:{timezone.now().timestamp()}",
        title=NoticeText(
            gettext_lazy("%(code)s: the claim for “%(name)s” is disputed"),
            code=milestone.project.code,
            name=milestone.name,
        ),
        body=milestone.dispute_reason,
        url=milestone.project.get_absolute_url(),
        portal_url=milestone_page(milestone),
    )


@subscribe(MilestoneInvoiced)
def tell_milestone_invoice_issued(event: MilestoneInvoiced) -> list[Notification]:
    milestone, invoice = event.milestone, event.invoice
    return notify(
        recipients=enterprise_users(milestone.agreement),
        kind=NotificationKind.INVOICE_ISSUED,
        event_key=f"invoice_issued:{invoice.pk}",
        title=_invoice_title(invoice),
        body=NoticeText(
            gettext_lazy("For milestone “%(name)s” of %(code)s."),
            name=milestone.name,
            code=milestone.project.code,
        ),
        url=milestone.project.get_absolute_url(),
        portal_url=invoice_page(invoice),
    )


@subscribe(FixedPaymentInvoiced)
def tell_fixed_payment_invoice_issued(event: FixedPaymentInvoiced) -> list[Notification]:
    fixed_payment, invoice = event.fixed_payment, event.invoice
    agreement = fixed_payment.agreement
    return notify(
        recipients=enterprise_users(agreement),
        kind=NotificationKind.INVOICE_ISSUED,
        event_key=f"invoice_issued:{invoice.pk}",
        title=_invoice_title(invoice),
        body=NoticeText(
            gettext_lazy("For %(kind)s under %(reference)s."),
            kind=lowercase(choice_label(fixed_payment, "kind")),
            reference=agreement.reference,
        ),
        url=agreement.get_absolute_url(),
        portal_url=invoice_page(invoice),
    )


def _invoice_title(invoice) -> NoticeText:
    return NoticeText(
        gettext_lazy("Invoice %(number)s: %(amount)s %(currency)s due %(due)s"),
        number=invoice.number,
        amount=Money(invoice.amount, invoice.currency, code=False),
        currency=invoice.currency,
        due=invoice.due_on,
    )


# --- Money ----------------------------------------------------------------------


@subscribe(PaymentRecorded)
def tell_payment_recorded(event: PaymentRecorded) -> list[Notification]:
    payment, invoice, billed = event.payment, event.invoice, event.billed
    project = billed.project
    return notify(
        recipients=list(enterprise_users(billed.agreement))
        + list(research_party_users(billed.agreement)),
        kind=NotificationKind.PAYMENT_RECORDED,
        event_key=f"payment_recorded:{payment.pk}",
        title=NoticeText(
            gettext_lazy("Payment received on invoice %(number)s"), number=invoice.number
        ),
        body=NoticeText(
            gettext_lazy("%(amount)s %(currency)s on %(date)s; %(status)s."),
            amount=Money(payment.amount, payment.currency, code=False),
            currency=payment.currency,
            date=payment.paid_on,
            status=lowercase(choice_label(billed, "status")),
        ),
        url=project.get_absolute_url() if project else "",
        portal_url=invoice_page(invoice),
    )


# --- Royalties ------------------------------------------------------------------


@subscribe(RoyaltyReportSubmitted)
def tell_royalty_report_submitted(event: RoyaltyReportSubmitted) -> list[Notification]:
    return _tell_royalty_report_to_review(
        event.report,
        gettext_lazy("%(reference)s: royalty report for %(start)s–%(end)s"),
    )


@subscribe(RoyaltyReportResubmitted)
def tell_royalty_report_resubmitted(event: RoyaltyReportResubmitted) -> list[Notification]:
    # The licensor's staff review the corrected report as they did the first.
    return _tell_royalty_report_to_review(
        event.report,
        gettext_lazy("%(reference)s: corrected royalty report for %(start)s–%(end)s"),
    )


def _tell_royalty_report_to_review(report, title) -> list[Notification]:
    agreement = report.agreement
    return notify(
        recipients=research_party_users(agreement),
        kind=NotificationKind.ROYALTY_REPORT_SUBMITTED,
        event_key=f"royalty_report_submitted:{report.pk}:{report.submitted_at.timestamp()}",
        title=NoticeText(
            title,
            reference=agreement.reference,
            start=report.period_start,
            end=report.period_end,
        ),
        body=NoticeText(
            gettext_lazy("Royalty due %(royalty)s %(currency)s."),
            royalty=Money(report.royalty_due, agreement.currency, code=False),
            currency=agreement.currency,
        ),
        portal_url=royalty_report_page(report),
    )


@subscribe(RoyaltyReportQueried)
def tell_royalty_report_queried(event: RoyaltyReportQueried) -> list[Notification]:
    report = event.report
    return notify(
        recipients=enterprise_users(report.agreement),
        kind=NotificationKind.ROYALTY_REPORT_QUERIED,
        event_key=f"royalty_report_queried:{report.pk}:{timezone.now().timestamp()}",
        title=NoticeText(
            gettext_lazy("%(reference)s: your royalty report for %(start)s–%(end)s is queried"),
            reference=report.agreement.reference,
            start=report.period_start,
            end=report.period_end,
        ),
        body=report.query_reason,
        portal_url=royalty_report_page(report),
    )


@subscribe(RoyaltyReportInvoiced)
def tell_royalty_invoice_issued(event: RoyaltyReportInvoiced) -> list[Notification]:
    report, invoice = event.report, event.invoice
    return notify(
        recipients=enterprise_users(report.agreement),
        kind=NotificationKind.INVOICE_ISSUED,
        event_key=f"invoice_issued:{invoice.pk}",
        title=_invoice_title(invoice),
        body=NoticeText(
            gettext_lazy("Royalties for %(start)s–%(end)s."),
            start=report.period_start,
            end=report.period_end,
        ),
        portal_url=invoice_page(invoice),
    )


# --- The daily reminders --------------------------------------------------------


def _milestone_audience(milestone):
    return list(enterprise_users(milestone.agreement)) + list(
        research_party_users(milestone.agreement)
    )


def _milestone_state(milestone) -> NoticeText:
    return NoticeText(
        gettext_lazy("%(amount)s %(currency)s, now %(status)s."),
        amount=Money(milestone.amount, milestone.currency, code=False),
        currency=milestone.currency,
        status=lowercase(MilestoneStatus(milestone.status).label),
    )


def _remind_of_milestone(milestone, *, kind, event_key: str, title) -> list[Notification]:
    """A reminder about one milestone, to both parties of its agreement."""
    return notify(
        recipients=_milestone_audience(milestone),
        kind=kind,
        event_key=event_key,
        title=NoticeText(
            title, code=milestone.project.code, name=milestone.name, due=milestone.due_date
        ),
        body=_milestone_state(milestone),
        url=milestone.project.get_absolute_url(),
        portal_url=milestone_page(milestone),
    )


@subscribe(MilestoneDueSoon)
def remind_milestone_due_soon(event: MilestoneDueSoon) -> list[Notification]:
    milestone = event.milestone
    return _remind_of_milestone(
        milestone,
        kind=NotificationKind.MILESTONE_DUE_SOON,
        event_key=f"milestone_due:{milestone.pk}:{milestone.due_date}:{event.days}",
        title=gettext_lazy("%(code)s: “%(name)s” falls due on %(due)s"),
    )


@subscribe(MilestoneOverdue)
def remind_milestone_overdue(event: MilestoneOverdue) -> list[Notification]:
    milestone = event.milestone
    return _remind_of_milestone(
        milestone,
        kind=NotificationKind.MILESTONE_OVERDUE,
        event_key=f"milestone_overdue:{milestone.pk}:{event.today}",
        title=gettext_lazy("%(code)s: “%(name)s” is overdue since %(due)s"),
    )


@subscribe(MilestoneReminderSent)
def remind_milestone_by_hand(event: MilestoneReminderSent) -> list[Notification]:
    milestone = event.milestone
    overdue = milestone.due_date < timezone.localdate()
    kind = NotificationKind.MILESTONE_OVERDUE if overdue else NotificationKind.MILESTONE_DUE_SOON
    return _remind_of_milestone(
        milestone,
        kind=kind,
        event_key=f"milestone_reminder:{milestone.pk}:{event.activity.pk}",
        title=(
            gettext_lazy("%(code)s: “%(name)s” is overdue since %(due)s")
            if overdue
            else gettext_lazy("%(code)s: “%(name)s” falls due on %(due)s")
        ),
    )


def _remind_of_fixed_payment(fixed_payment, *, kind, event_key: str, title):
    """A reminder about an upfront, a fee or another fixed amount, to both
    parties of its agreement."""
    agreement = fixed_payment.agreement
    return notify(
        recipients=list(enterprise_users(agreement)) + list(research_party_users(agreement)),
        kind=kind,
        event_key=event_key,
        title=NoticeText(
            title,
            reference=agreement.reference,
            kind=choice_label(fixed_payment, "kind"),
            due=fixed_payment.due_date,
        ),
        body=NoticeText(
            gettext_lazy("%(amount)s %(currency)s, now %(status)s."),
            amount=fixed_payment.amount,
            currency=fixed_payment.currency,
            status=lowercase(choice_label(fixed_payment, "status")),
        ),
        url=agreement.get_absolute_url(),
        portal_url=agreement_page(agreement),
    )


@subscribe(FixedPaymentDueSoon)
def remind_fixed_payment_due_soon(event: FixedPaymentDueSoon) -> list[Notification]:
    fixed_payment = event.fixed_payment
    return _remind_of_fixed_payment(
        fixed_payment,
        kind=NotificationKind.PAYMENT_DUE_SOON,
        event_key=f"fixed_payment_due:{fixed_payment.pk}:{fixed_payment.due_date}:{event.days}",
        title=gettext_lazy("%(reference)s: %(kind)s falls due on %(due)s"),
    )


@subscribe(FixedPaymentOverdue)
def remind_fixed_payment_overdue(event: FixedPaymentOverdue) -> list[Notification]:
    fixed_payment = event.fixed_payment
    return _remind_of_fixed_payment(
        fixed_payment,
        kind=NotificationKind.PAYMENT_OVERDUE,
        event_key=f"fixed_payment_overdue:{fixed_payment.pk}:{event.today}",
        title=gettext_lazy("%(reference)s: %(kind)s is overdue since %(due)s"),
    )


@subscribe(RoyaltyReportDue)
def remind_royalty_report_due(event: RoyaltyReportDue) -> list[Notification]:
    """The licensee is asked for its report; the licensor's staff get a
    copy, to follow it up."""
    agreement = event.agreement
    title = NoticeText(
        gettext_lazy("%(reference)s: royalty report for %(start)s–%(end)s is late")
        if event.late
        else gettext_lazy("%(reference)s: royalty report for %(start)s–%(end)s due %(due)s"),
        reference=agreement.reference,
        start=event.period_start,
        end=event.period_end,
        due=event.due_on,
    )
    event_key = (
        f"royalty_due:{agreement.pk}:{event.period_start}:{'late' if event.late else 'due'}"
    )
    told = notify(
        recipients=enterprise_users(agreement),
        kind=NotificationKind.ROYALTY_REPORT_DUE,
        event_key=event_key,
        title=title,
        body=gettext_lazy("Report net sales for the period in the partner portal."),
        portal_url=royalty_report_form(agreement),
    )
    told += notify(
        recipients=research_party_users(agreement),
        kind=NotificationKind.ROYALTY_REPORT_DUE,
        event_key=event_key,
        title=title,
        body=NoticeText(
            gettext_lazy(
                "Copy of the reminder sent to %(enterprise)s: the report of net sales "
                "for the period has not been submitted yet."
            ),
            enterprise=Localized(agreement.partnership.enterprise),
        ),
        url=agreement.get_absolute_url(),
    )
    return told


@subscribe(AgreementExpiring)
def remind_agreement_expiring(event: AgreementExpiring) -> list[Notification]:
    """90 and 30 days before a signed agreement expires: the research
    party's staff and the enterprise's partner admins, with what the
    agreement says about renewal."""
    agreement = event.agreement
    return notify(
        recipients=list(research_party_users(agreement)) + list(enterprise_admins(agreement)),
        kind=NotificationKind.AGREEMENT_EXPIRING,
        event_key=f"agreement_expiring:{agreement.pk}:{event.expires_on}:{event.days}",
        title=NoticeText(
            gettext_lazy("%(reference)s expires on %(date)s"),
            reference=agreement.reference,
            date=event.expires_on,
        ),
        body=_renewal_words(agreement),
        url=agreement.get_absolute_url(),
        portal_url=agreement_page(agreement),
    )


def _renewal_words(agreement) -> NoticeText:
    notice_by = None
    if agreement.renewal_notice_days is not None and agreement.expires_on:
        notice_by = agreement.expires_on - timedelta(days=agreement.renewal_notice_days)
    if agreement.renewal == Renewal.BY_NOTICE:
        return NoticeText(
            gettext_lazy(
                "It is renewed for %(months)s months if notice is given by %(notice_by)s."
            ),
            months=agreement.renewal_term_months,
            notice_by=notice_by,
        )
    if agreement.renewal == Renewal.AUTOMATIC:
        return NoticeText(
            gettext_lazy(
                "It renews automatically for %(months)s months unless notice is given "
                "by %(notice_by)s."
            ),
            months=agreement.renewal_term_months,
            notice_by=notice_by,
        )
    return NoticeText(
        gettext_lazy(
            "It has no renewal clause: to go on working together, agree a new term before then."
        )
    )


# --- The patent docket --------------------------------------------------------------


@subscribe(DeadlineDue)
def remind_deadline_due(event: DeadlineDue) -> list[Notification]:
    """90, 30 and 7 days before a docket deadline, and once overdue: the
    staff of the institutions that own the achievement."""
    deadline, days_left = event.deadline, event.days_left
    achievement, application = deadline.achievement, deadline.application
    overdue = days_left < 0
    title = NoticeText(
        gettext_lazy("%(reference)s: %(kind)s overdue since %(due)s")
        if overdue
        else gettext_lazy("%(reference)s: %(kind)s due %(due)s"),
        reference=achievement.reference,
        kind=DeadlineKind(deadline.kind).label,
        due=deadline.due_on,
    )
    if application is not None:
        what = NoticeText(
            gettext_lazy("Application %(application)s of the family “%(family)s”"),
            application=" ".join(
                part
                for part in (application.jurisdiction_label, application.application_number)
                if part
            ),
            family=deadline.family.title,
        )
    else:
        what = NoticeText(gettext_lazy("The family “%(family)s”"), family=deadline.family.title)
    body = NoticeText(
        gettext_lazy("%(what)s: overdue by %(days)s days.")
        if overdue
        else gettext_lazy("%(what)s: %(days)s days left."),
        what=what,
        days=abs(days_left),
    )
    if deadline.grace_until:
        body = NoticeText(
            gettext_lazy("%(text)s The grace period ends on %(grace)s."),
            text=body,
            grace=deadline.grace_until,
        )
    return notify(
        recipients=achievement_office_staff(achievement),
        kind=NotificationKind.DEADLINE_OVERDUE if overdue else NotificationKind.DEADLINE_DUE,
        # One notice per reminder step of a due date: a moved date is
        # reminded afresh, a day's run repeated tells nobody twice.
        event_key=(f"deadline_due:{deadline.pk}:{deadline.due_on}:{deadline.last_reminder_days}"),
        title=title,
        body=body,
        url=staff_achievement_page(achievement),
    )


# --- Disclosures ----------------------------------------------------------------------


@subscribe(DisclosureSubmitted)
def tell_disclosure_submitted(event: DisclosureSubmitted) -> list[Notification]:
    """A researcher sent a disclosure: the staff of its institution review
    it."""
    disclosure = event.disclosure
    return notify(
        recipients=institutions_staff([disclosure.institution_id]),
        kind=NotificationKind.DISCLOSURE_SUBMITTED,
        event_key=f"disclosure_submitted:{disclosure.pk}:{disclosure.submitted_at.timestamp()}",
        title=NoticeText(
            gettext_lazy("Disclosure to review: “%(title)s”"),
            title=Localized(disclosure, "title"),
        ),
        body=NoticeText(
            gettext_lazy("%(researcher)s disclosed %(kind)s for %(institution)s."),
            researcher=disclosure.submitted_by.get_full_name(),
            kind=lowercase(choice_label(disclosure, "kind")),
            institution=Localized(disclosure.institution),
        ),
        url=staff_disclosure_page(disclosure),
    )


@subscribe(DisclosureReturned)
def tell_disclosure_returned(event: DisclosureReturned) -> list[Notification]:
    """The office sent a disclosure back: its researchers, with what to
    change."""
    disclosure = event.disclosure
    return notify(
        recipients=disclosure_inventor_users(disclosure),
        kind=NotificationKind.DISCLOSURE_RETURNED,
        # Each return is news: a disclosure may be returned again after
        # it is resubmitted.
        event_key=f"disclosure_returned:{disclosure.pk}:{timezone.now().timestamp()}",
        title=NoticeText(
            gettext_lazy("Your disclosure “%(title)s” was returned for changes"),
            title=Localized(disclosure, "title"),
        ),
        body=disclosure.review_note,
        url=staff_disclosure_page(disclosure),
        research_url=research_disclosure_page(disclosure),
    )


@subscribe(DisclosureConverted)
def tell_disclosure_converted(event: DisclosureConverted) -> list[Notification]:
    """The office accepted a disclosure as an achievement: its
    researchers."""
    disclosure, achievement = event.disclosure, event.achievement
    return notify(
        recipients=disclosure_inventor_users(disclosure),
        kind=NotificationKind.DISCLOSURE_CONVERTED,
        event_key=f"disclosure_converted:{disclosure.pk}",
        title=NoticeText(
            gettext_lazy("Your disclosure “%(title)s” was accepted as %(reference)s"),
            title=Localized(disclosure, "title"),
            reference=achievement.reference,
        ),
        body=gettext_lazy(
            "The office records it as an achievement: follow its patents and the "
            "agreements that use it on your pages."
        ),
        url=staff_achievement_page(achievement),
        research_url=research_achievement_page(achievement),
    )


# --- Income distribution -------------------------------------------------------------


@subscribe(RunApproved)
def tell_statement_ready(event: RunApproved) -> list[Notification]:
    """A run was approved: each of its inventors who signs in, with what it
    gives them. Departments, the institution and co-owners are not told."""
    run = event.run
    title = NoticeText(
        gettext_lazy("Your reward statement for %(start)s to %(end)s is ready"),
        start=run.period_start,
        end=run.period_end,
    )
    notices = []
    for user, cash, shares in run_inventor_statements(run):
        notices += notify(
            recipients=[user],
            kind=NotificationKind.REWARD_STATEMENT_READY,
            event_key=f"run_approved:{run.pk}",
            title=title,
            body=_statement_words(run, cash, shares),
            url=RESEARCH_REWARDS_PATH,
            research_url=RESEARCH_REWARDS_PATH,
        )
    return notices


def _statement_words(run, cash, shares) -> NoticeText:
    """What the run gives one inventor: cash, shares or both; for a
    correction, the change."""
    values = {
        "institution": Localized(run.institution),
        "amount": Money(cash, run.currency, code=False),
        "currency": run.currency,
    }
    if run.corrects_id:
        body = NoticeText(
            gettext_lazy(
                "%(institution)s approved a correction of the distribution: your cash "
                "reward changes by %(amount)s %(currency)s."
            ),
            **values,
        )
    elif cash or not shares:
        body = NoticeText(
            gettext_lazy(
                "%(institution)s approved the distribution of its income: "
                "%(amount)s %(currency)s in cash to you."
            ),
            **values,
        )
    else:
        return NoticeText(
            gettext_lazy(
                "%(institution)s approved the distribution of its income: "
                "%(shares)s shares granted to you."
            ),
            institution=values["institution"],
            shares=shares,
        )
    if shares:
        body = NoticeText(
            gettext_lazy("%(text)s Shares granted to you: %(shares)s."), text=body, shares=shares
        )
    return body
