"""The annual reports: ``china_annual_report(institution, year)`` and
``autm_report(institution, fiscal_year)``, and the office's inputs."""

from .autm import autm_report, survey_table
from .china import china_annual_report
from .inputs import annual_report_input_save

__all__ = ["annual_report_input_save", "autm_report", "china_annual_report", "survey_table"]
