"""A document's file as a download, for the staff pages, the partner portal
and the API alike. The callers have already found the document through
``documents_visible_to``; this only reads the file from wherever it is kept
(local disk or the bucket) and streams it, so no address of the stored file
ever leaves BioBridge."""

import logging

from django.http import FileResponse, Http404

from projects.models import Document

logger = logging.getLogger(__name__)


def document_file_response(document: Document) -> FileResponse:
    """The file as an attachment under its original name. A file the
    storage does not hold (lost, or not moved yet by ``move_documents``)
    answers 404 like a missing document, and is logged for the operators."""
    try:
        content = document.file.open("rb")
    except FileNotFoundError as error:
        logger.error("Document %s: its file %s is not in the storage", document.pk, document.file)
        raise Http404 from error
    return FileResponse(
        content,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
