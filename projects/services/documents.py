"""Uploading documents: evidence, contracts, reports.

Size and type are checked on the content, not on what the browser claims:
the extension must be an allowed one and the first bytes must match it.
"""

from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import is_partner_user
from core.errors import DomainError
from core.i18n import Message
from core.text import text_input
from partnerships.selectors import agreements_visible_to
from projects.activity import activity_record
from projects.models import Document
from projects.selectors import projects_visible_to

# Extension → content type and the signatures its content may start with.
# Office formats are zip containers.
ALLOWED_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    ".zip": ("application/zip", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
    ".csv": ("text/csv", ()),
}


class DocumentError(DomainError):
    code = "invalid_document"


def max_document_bytes() -> int:
    return getattr(settings, "DOCUMENT_MAX_BYTES", 25 * 1024 * 1024)


def _check_content(uploaded_file) -> str:
    name = PurePath(uploaded_file.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_TYPES:
        raise DocumentError(
            _("Files of type %(extension)s are not accepted. Accepted: %(allowed)s.")
            % {"extension": extension or _("(none)"), "allowed": ", ".join(sorted(ALLOWED_TYPES))},
            code="file_type",
            field="file",
        )
    if uploaded_file.size > max_document_bytes():
        # Not the file's own size: rounded, it could read the same as the limit.
        limit = filesizeformat(max_document_bytes()).replace("\xa0", " ")
        raise DocumentError(
            _("The file is larger than the limit of %(limit)s.") % {"limit": limit},
            code="file_too_large",
            field="file",
        )
    if uploaded_file.size == 0:
        raise DocumentError(_("The file is empty."), code="file_empty", field="file")
    content_type, signatures = ALLOWED_TYPES[extension]
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    if signatures and not any(head.startswith(signature) for signature in signatures):
        raise DocumentError(
            _("The file's content does not match its %(extension)s extension.")
            % {"extension": extension},
            code="file_content",
            field="file",
        )
    if not signatures and b"\x00" in head:
        raise DocumentError(
            _("A text file must not contain binary data."), code="file_content", field="file"
        )
    return content_type


@transaction.atomic
def document_upload(
    *,
    uploaded_file,
    by,
    project=None,
    agreement=None,
    milestone=None,
    description: str = "",
    is_internal: bool = False,
) -> Document:
    """Store a file attached to a project, milestone or agreement that the
    uploader can see. Partner uploads are never internal."""
    if milestone is not None:
        project = milestone.project
        agreement = agreement or milestone.agreement
    if project is None and agreement is None:
        raise DocumentError(
            _("Attach the document to a project or an agreement."),
            code="no_owner",
            field="project",
        )
    if project is not None and not projects_visible_to(by).filter(pk=project.pk).exists():
        raise DocumentError(_("Project not found."), code="not_found", field="project")
    if agreement is not None and not agreements_visible_to(by).filter(pk=agreement.pk).exists():
        raise DocumentError(_("Agreement not found."), code="not_found", field="agreement")
    content_type = _check_content(uploaded_file)
    document = Document(
        original_name=PurePath(uploaded_file.name).name[:255],
        content_type=content_type,
        size=uploaded_file.size,
        description=text_input(
            description, model=Document, field="description", error_class=DocumentError
        ),
        project=project,
        agreement=agreement,
        milestone=milestone,
        is_internal=bool(is_internal) and not is_partner_user(by),
        uploaded_by=by,
    )
    document.file.save(document.original_name, uploaded_file, save=False)
    document.save()
    activity_record(
        actor=by,
        verb="document.uploaded",
        target=document,
        project=project,
        agreement=agreement,
        summary=Message(gettext_lazy("Document %(name)s uploaded."), name=document.original_name),
        changes={"size": document.size, "content_type": content_type},
        is_internal=document.is_internal,
    )
    return document
