"""Drives a running BioBridge through the Python client generated from its
schema, as an integrator would: projects as staff and as a partner, one
milestone from claim to payment, and an rNPV computation.

    BIOBRIDGE_URL=http://127.0.0.1:8000 \\
    BIOBRIDGE_STAFF_TOKEN=bb_… BIOBRIDGE_PARTNER_TOKEN=bb_… \\
    python scripts/api_client_smoke.py

The client package ``biobridge_client`` must be importable (``make clients``
generates it into ``build/clients/python``). The server needs the demo data
(``manage.py seed_demo``): the staff token belongs to the institution's
staff, the partner token to an enterprise paying some of its milestones.
Any error ends the script with a non-zero status.
"""

import os
import sys
import uuid
from urllib.parse import parse_qs, urlparse

from biobridge_client import AuthenticatedClient
from biobridge_client.api.milestones import (
    milestones_claim_create,
    milestones_invoice_create,
    milestones_list,
    milestones_payments_create,
    milestones_verify_create,
)
from biobridge_client.api.projects import projects_list
from biobridge_client.api.valuations_compute import valuations_compute_rnpv
from biobridge_client.models import (
    ClaimRequest,
    CommentRequest,
    CommercialInputRequest,
    InvoiceIssueRequest,
    MilestonesListStatusItem,
    PaymentRecordRequest,
    PhaseInputRequest,
    RnpvInputRequest,
)


class SmokeFailure(Exception):
    pass


def expect(response, status: int):
    """The parsed body of ``response``, which must have answered ``status``."""
    if response.status_code != status:
        raise SmokeFailure(
            f"expected {status}, got {response.status_code}: {response.content[:500]!r}"
        )
    return response.parsed


def all_projects(client) -> list:
    """Every project the token may see, page after page (cursor pagination)."""
    projects, cursor = [], None
    while True:
        kwargs = {"cursor": cursor} if cursor else {}
        page = expect(projects_list.sync_detailed(client=client, page_size=50, **kwargs), 200)
        projects.extend(page.results)
        if not page.next_:
            return projects
        cursor = parse_qs(urlparse(page.next_).query)["cursor"][0]


def check_projects(staff, partner) -> None:
    everything = {project.id for project in all_projects(staff)}
    own = {project.id for project in all_projects(partner)}
    if not own or not own < everything:
        raise SmokeFailure(
            f"the partner should see some but not all projects: {len(own)} of {len(everything)}"
        )
    print(f"projects: staff sees {len(everything)}, the partner its {len(own)}")


def pay_a_milestone(staff, partner) -> None:
    """Claim (payee staff) → verify (the paying partner) → invoice → pay,
    the payment sent twice with one Idempotency-Key and recorded once."""
    planned = expect(
        milestones_list.sync_detailed(
            client=partner, status=[MilestonesListStatusItem.PLANNED], page_size=100
        ),
        200,
    ).results
    # The partner pays some planned milestones and is paid for others; the
    # first one the staff may claim is one the partner pays.
    for milestone in planned:
        claim = milestones_claim_create.sync_detailed(
            milestone.id, client=staff, body=ClaimRequest(evidence_note="Done, see the report.")
        )
        if claim.status_code == 200:
            break
    else:
        raise SmokeFailure("no planned milestone of the partner could be claimed by staff")
    print(f"milestone {milestone.id}: claimed")

    verified = expect(
        milestones_verify_create.sync_detailed(
            milestone.id, client=partner, body=CommentRequest(comment="Verified.")
        ),
        200,
    )
    print(f"milestone {milestone.id}: {verified.status}")

    invoice = expect(
        milestones_invoice_create.sync_detailed(
            milestone.id, client=staff, body=InvoiceIssueRequest(payment_terms_days=30)
        ),
        201,
    )
    print(f"milestone {milestone.id}: invoiced")

    payment = PaymentRecordRequest(
        amount=verified.amount,
        currency=verified.currency,
        # The day the server issued the invoice: in its time zone, that may
        # already be tomorrow for the client.
        paid_on=invoice.issued_on,
        reference=f"SMOKE-{milestone.id}",
    )
    # A retry after a lost answer sends the same key and body: the server
    # replays the first answer instead of recording a second payment.
    key = str(uuid.uuid4())
    first, again = (
        expect(
            milestones_payments_create.sync_detailed(
                milestone.id, client=staff, body=payment, idempotency_key=key
            ),
            201,
        )
        for _ in range(2)
    )
    if again.id != first.id:
        raise SmokeFailure(f"the retry recorded a second payment: {first.id} and {again.id}")
    print(
        f"milestone {milestone.id}: paid {first.amount} {first.currency} once, payment {first.id}"
    )


def compute_rnpv(client) -> None:
    body = RnpvInputRequest(
        discount_rate=0.10,
        phases=[
            PhaseInputRequest(name="Phase I", years=1, cost=5, success_probability=0.6),
            PhaseInputRequest(name="Phase II", years=2, cost=20, success_probability=0.4),
        ],
        commercial=CommercialInputRequest(
            peak_sales=300, plateau_years=5, ramp=[0.3, 0.7], cogs_rate=0.2, tax_rate=0.25
        ),
    )
    result = expect(valuations_compute_rnpv.sync_detailed(client=client, body=body), 200)
    if not result.years or not 0 < result.cumulative_probability <= 1:
        raise SmokeFailure(f"an rNPV without years or probability: {result}")
    print(f"rNPV {result.rnpv:.2f} {result.currency} (NPV {result.npv:.2f})")


def main() -> int:
    url = os.environ["BIOBRIDGE_URL"]
    staff = AuthenticatedClient(
        base_url=url, token=os.environ["BIOBRIDGE_STAFF_TOKEN"], prefix="Token"
    )
    partner = AuthenticatedClient(
        base_url=url, token=os.environ["BIOBRIDGE_PARTNER_TOKEN"], prefix="Token"
    )
    try:
        check_projects(staff, partner)
        pay_a_milestone(staff, partner)
        compute_rnpv(staff)
    except SmokeFailure as failure:
        print(f"API client smoke test failed: {failure}", file=sys.stderr)
        return 1
    print("API client smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
