"""The staff UI's pages of achievements and their protection, grouped by
subject:

- ``achievements``: the list, an achievement's page and the actions on it
  (assessment, decision, agreements, costs), creating and editing one with
  its owners and inventors;
- ``patents``: a patent family's page, its applications and office actions;
- ``docket``: the deadlines across the portfolio, met or let pass;
- ``disclosures``: the review of the researchers' disclosures.

Every page is the office's own: research-centre staff and superusers only
(``common.staff_view``); partners and researchers find nothing here.
"""
