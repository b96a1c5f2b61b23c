"""The reports as JSON: each figure with its definition key (and, for the
AUTM survey, its question number in the survey year's table)."""

from reports.services.figures import AnnualReport


def _money(value):
    return None if value is None else str(value)


def report_payload(report: AnnualReport) -> dict:
    inputs = report.inputs
    payload = {
        "report": report.kind,
        "institution": {
            "id": report.institution.id,
            "code": report.institution.code,
            "name": report.institution.name,
        },
        "year": report.year,
        "period": {"start": report.period.start, "end": report.period.end},
        "currency": report.currency,
        "figures": [figure.as_dict() for figure in report.figures],
        "inputs": None
        if inputs is None
        else {
            "work_done": inputs.work_done,
            "lessons": inputs.lessons,
            "problems": inputs.problems,
            "policy_implementation": inputs.policy_implementation,
            "currency": inputs.currency,
            "research_expenditure_government": _money(inputs.research_expenditure_government),
            "research_expenditure_industry": _money(inputs.research_expenditure_industry),
            "research_expenditure_other": _money(inputs.research_expenditure_other),
            "licensing_ftes": str(inputs.licensing_ftes),
            "other_staff_ftes": str(inputs.other_staff_ftes),
        },
        "notes": report.notes,
    }
    if report.survey_table:
        payload["survey_table"] = report.survey_table
    if report.kind == "china_annual":
        payload["projects"] = [
            {
                **{key: value for key, value in row.items() if key != "kind_label"},
                "kind_label": str(row["kind_label"]),
                "contract_value": _money(row["contract_value"]),
                "received": _money(row["received"]),
                "rewards": _money(row["rewards"]),
            }
            for row in report.rows
        ]
    return payload
