"""Importing a file: every row read, checked and written through the
owning app's services, in one transaction, all or nothing.

``import_file`` answers an ``ImportResult``: the rows it read, what each
would create or update, and every error with its row, column, value, code
and message. A dry run, or a file with any invalid row, is rolled back as a
whole, so nothing is written; a valid file is committed at once.
"""

import hashlib
from dataclasses import asdict, dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.selectors import has_full_access, is_centre_staff_user
from core.errors import DomainError

from . import values
from .kinds import KIND_ORDER, KINDS, Kind, RowError, is_guide_sheet, normalize
from .parsing import ImportFileError, Sheet, read_file
from .values import CellError

# Errors beyond this many are counted, not listed: a file with the wrong
# columns would otherwise answer with one error per cell.
MAX_LISTED_ERRORS = 1000


@dataclass
class RowIssue:
    row: int | None
    column: str
    value: str
    code: str
    message: str
    sheet: str = ""


@dataclass
class RowOutcome:
    row: int
    action: str  # "create" or "update"
    key: str
    sheet: str = ""


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    error_count: int = 0
    committed: bool = False

    @property
    def valid(self) -> bool:
        return self.error_count == 0

    def add_error(self, issue: RowIssue) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(issue)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "valid": self.valid,
            "committed": self.committed,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "error_count": self.error_count,
            "errors": [
                {key: value for key, value in asdict(issue).items() if key != "sheet" or value}
                for issue in self.errors
            ],
            "results": [asdict(outcome) for outcome in self.outcomes],
        }


class ImportRefused(DomainError):
    code = "import_refused"


def require_importer(user) -> None:
    if not (has_full_access(user) or is_centre_staff_user(user)):
        raise ImportRefused(
            _("Only research-centre staff import records."), code="permission_denied"
        )


def header_hash(header: list[str]) -> str:
    """The layout of a file: its headers, as compared, hashed. The column
    mapping chosen for one file is offered again for the next of the same
    layout."""
    joined = "\x1f".join(normalize(name) for name in header)
    return hashlib.sha256(joined.encode()).hexdigest()


def auto_mapping(kind: Kind, header: list[str]) -> dict[int, str]:
    """Each header's column, where the header names one."""
    names = {}
    for column in kind.all_columns:
        for name in column.names():
            names.setdefault(name, column.key)
    mapping = {}
    taken = set()
    for index, title in enumerate(header):
        key = names.get(normalize(title))
        if key and key not in taken:
            mapping[index] = key
            taken.add(key)
    return mapping


def _display(value) -> str:
    if value is None:
        return ""
    return str(value)[:200]


def _check_mapping(kind: Kind, sheet: Sheet, mapping: dict[int, str], result) -> bool:
    mapped = set(mapping.values())
    missing = [c for c in kind.all_columns if c.required and c.key not in mapped]
    for column in missing:
        result.add_error(
            RowIssue(
                row=None,
                column=column.key,
                value="",
                code="missing_column",
                message=_("The file has no column %(column)s.") % {"column": column.key},
                sheet=sheet.name,
            )
        )
    return not missing


RAW = "__raw__"


def _parse_row(kind: Kind, cells: list, mapping: dict[int, str]):
    """The row's values by column key (the cells as written under
    ``RAW``), and the cells that could not be read."""
    row, issues, raw = {}, [], {}
    row[RAW] = raw
    for index, key in mapping.items():
        column = kind.by_key[key]
        value = cells[index] if index < len(cells) else None
        raw[key] = _display(value)
        if values.is_empty(value):
            if column.required:
                issues.append((key, "", "required", _("This column is required.")))
            row[key] = column.empty
            continue
        try:
            row[key] = column.parse(value)
        except CellError as error:
            issues.append((key, _display(value), error.code, error.message))
    for column in kind.all_columns:
        row.setdefault(column.key, column.empty)
    return row, issues


def _errors_of(error: Exception, kind: Kind, row: dict) -> list[tuple[str, str, str, str]]:
    """A refusal from a service as (column, value, code, message)."""

    def value_of(column):
        if column in row.get(RAW, {}):
            return row[RAW][column]
        return _display(_natural(row.get(column)))

    def column_of(name):
        name = kind.field_columns.get(name, name)
        return name if name in kind.by_key else ""

    if isinstance(error, RowError):
        return [(error.column, _display(error.value), error.code, error.message)]
    if isinstance(error, DomainError):
        fields = error.fields or {"": [error.message]}
        found = []
        for name, messages in fields.items():
            column = column_of(name.split(".")[0])
            for message in messages:
                found.append((column, value_of(column), error.code, str(message)))
        return found
    if isinstance(error, ValidationError):
        found = []
        details = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        codes = {}
        if hasattr(error, "error_dict"):
            codes = {
                name: (errors[0].code or "invalid") for name, errors in error.error_dict.items()
            }
        for name, messages in details.items():
            column = "" if name == NON_FIELD_ERRORS else column_of(name)
            for message in messages:
                found.append((column, value_of(column), codes.get(name, "invalid"), message))
        return found
    if isinstance(error, DjangoPermissionDenied):
        return [("", "", "permission_denied", str(error) or _("Permission denied."))]
    raise error


def _natural(value) -> object:
    """A referenced record as the file named it."""
    for name in ("code", "reference"):
        if hasattr(value, name) and not isinstance(value, str):
            return getattr(value, name)
    return value


# How often a long import reports its progress, in rows.
PROGRESS_EVERY = 100


def _import_sheet(
    kind: Kind, sheet: Sheet, by, mapping, result: ImportResult, progress=None, total=0
) -> None:
    mapping = mapping if mapping is not None else auto_mapping(kind, sheet.header)
    if not _check_mapping(kind, sheet, mapping, result):
        return
    seen: dict[tuple, int] = {}
    for number, cells in sheet.rows:
        result.rows += 1
        row, issues = _parse_row(kind, cells, mapping)
        if not issues:
            natural_key = tuple(_natural(row.get(key)) for key in kind.key)
            first = seen.get(natural_key)
            if first is not None:
                key_column = kind.key[0]
                issues.append(
                    (
                        key_column,
                        _display(_natural(row.get(key_column))),
                        "duplicate_key",
                        _("This record is already in row %(row)s of the file.") % {"row": first},
                    )
                )
            else:
                seen[natural_key] = number
        if not issues:
            try:
                # A savepoint per row: a refused row leaves the others as
                # they were, so that every error of the file is reported.
                with transaction.atomic():
                    existing = kind.find(row)
                    kind.write(row, existing, by)
            except (DomainError, ValidationError, DjangoPermissionDenied, RowError) as error:
                issues.extend(_errors_of(error, kind, row))
            else:
                action = "update" if existing is not None else "create"
                if existing is None:
                    result.created += 1
                else:
                    result.updated += 1
                result.outcomes.append(
                    RowOutcome(
                        row=number,
                        action=action,
                        key=" / ".join(str(_natural(row.get(k)) or "") for k in kind.key).strip(
                            " /"
                        ),
                        sheet=sheet.name,
                    )
                )
        for column, value, code, message in issues:
            result.add_error(RowIssue(number, column, value, code, message, sheet.name))
        if progress is not None and result.rows % PROGRESS_EVERY == 0:
            progress(result.rows, total)


def _kind_of_sheet(sheet: Sheet) -> Kind | None:
    name = normalize(sheet.name)
    for kind in KINDS.values():
        names = {normalize(kind.name)} | {
            normalize(kind.label_in(language)) for language in ("en", "zh-hans")
        }
        if name in names:
            return kind
    return None


def import_sheets(
    *,
    kind: str,
    sheets: list[Sheet],
    by,
    dry_run: bool,
    mapping: dict[int, str] | None = None,
    progress=None,
) -> ImportResult:
    """Import read ``sheets`` as ``kind`` (or, for ``kind="workbook"``, each
    sheet as the kind it is named after). ``progress(done, total)`` is
    called every ``PROGRESS_EVERY`` rows."""
    require_importer(by)
    result = ImportResult(kind=kind, dry_run=dry_run)
    if kind == "workbook":
        plan = []
        for sheet in sheets:
            if is_guide_sheet(sheet.name):
                continue
            found = _kind_of_sheet(sheet)
            if found is None:
                result.add_error(
                    RowIssue(
                        None,
                        "",
                        sheet.name,
                        "unknown_sheet",
                        _("No kind of record is named %(sheet)s.") % {"sheet": sheet.name},
                        sheet.name,
                    )
                )
            else:
                plan.append((found, sheet))
        plan.sort(key=lambda item: KIND_ORDER.index(item[0].name))
    elif kind in KINDS:
        plan = [(KINDS[kind], sheets[0])]
    else:
        raise ImportRefused(
            _("Unknown kind of record: %(kind)s.") % {"kind": kind},
            code="invalid_choice",
            field="kind",
        )
    total = sum(len(sheet.rows) for _found, sheet in plan)
    with transaction.atomic():
        for found, sheet in plan:
            sheet_mapping = mapping if kind != "workbook" else None
            _import_sheet(found, sheet, by, sheet_mapping, result, progress, total)
        if dry_run or not result.valid:
            transaction.set_rollback(True)
        else:
            result.committed = True
    return result


def import_file(
    *,
    kind: str,
    data: bytes,
    filename: str,
    by,
    dry_run: bool,
    mapping: dict[int, str] | None = None,
) -> ImportResult:
    """Read and import an uploaded file. A file that cannot be read raises
    ``ImportFileError``."""
    require_importer(by)
    sheets = read_file(data, filename)
    return import_sheets(kind=kind, sheets=sheets, by=by, dry_run=dry_run, mapping=mapping)


__all__ = ["ImportFileError", "ImportRefused", "ImportResult", "import_file", "import_sheets"]
