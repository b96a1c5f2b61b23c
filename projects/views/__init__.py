"""The staff UI's project pages, grouped by subject:

- ``projects``: the project list and a project's page, its forms and
  stage-gate decisions;
- ``money``: lists of milestones, payments and royalty reports;
- ``dashboard``: the dashboard and the reports of analytics.
"""

from .project_page import project_detail
from .projects import home, project_list

__all__ = ["home", "project_detail", "project_list"]
