"""Writes to the partnership directory, partnerships, agreements and their
terms. Every front door (staff UI, API, admin, tasks) calls these
functions; none repeats their rules.

The modules group the services by subject; import from this package.
"""

from .agreements import (
    CentrePartyInput,
    PartnershipError,
    agreement_create,
    agreement_update,
    enterprise_create,
    enterprise_update,
    failure_clause_create,
    failure_clause_delete,
    failure_clause_update,
    institution_create,
    institution_update,
    joint_centre_create,
    joint_centre_update,
    milestone_schedule_item_create,
    milestone_schedule_item_delete,
    milestone_schedule_item_update,
    partnership_create,
    partnership_update,
    person_create,
    person_update,
)
from .terms import (
    CostShareInput,
    TermsError,
    cost_shares_set,
    royalty_tiers_set,
    validate_cost_shares,
)

__all__ = [
    "CentrePartyInput",
    "CostShareInput",
    "PartnershipError",
    "TermsError",
    "agreement_create",
    "agreement_update",
    "cost_shares_set",
    "enterprise_create",
    "enterprise_update",
    "failure_clause_create",
    "failure_clause_delete",
    "failure_clause_update",
    "institution_create",
    "institution_update",
    "joint_centre_create",
    "joint_centre_update",
    "milestone_schedule_item_create",
    "milestone_schedule_item_delete",
    "milestone_schedule_item_update",
    "partnership_create",
    "partnership_update",
    "person_create",
    "person_update",
    "royalty_tiers_set",
    "validate_cost_shares",
]
