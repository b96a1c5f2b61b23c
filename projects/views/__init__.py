"""The staff UI's project pages, grouped by subject:

- ``projects``: the project list and its bulk actions;
- ``project_page``: a project's page and the actions on it (stage-gate
  decisions, milestones and money, costs, documents, activity);
- ``project_forms``: registering and editing a project;
- ``money``: lists of milestones, payments and royalty reports;
- ``royalty_page``: a royalty report's page and the staff's review of it
  (accept, query, invoice, payment, minimum-royalty true-up);
- ``dashboard``: the dashboard and the reports of analytics.
"""

from .project_page import project_detail
from .projects import ProjectBulkView, home, project_list

__all__ = ["ProjectBulkView", "home", "project_detail", "project_list"]
