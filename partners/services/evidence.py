"""Evidence files attached to progress reports."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from heforshe.lib import sniff
from partners.models import (
    ReportEvent,
    ReportEvidence,
)
from partners.services.reports import _audit, _lock_open_report

# What evidence may be: the browser's content type and the file name are not trusted, and
# the whole file must parse as the type its first bytes claim.
EVIDENCE_TYPES = (sniff.PDF, sniff.PNG, sniff.JPEG)
MAX_EVIDENCE_FILES = 10


def validate_evidence(upload: UploadedFile) -> sniff.Sniffed:
    """The evidence's true type, checked to its last byte; ValidationError with a reason otherwise."""
    limit = settings.PARTNERS_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            params={"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)},
            code="too_large",
        )
    found = sniff.sniff(upload)
    if found not in EVIDENCE_TYPES:
        raise ValidationError(_("Evidence must be a PDF, PNG or JPEG file."), code="bad_type")
    try:
        if found is sniff.PDF:
            sniff.verify_pdf(upload)
        else:
            sniff.verify_image(upload)
    except sniff.FileCheckError as exc:
        raise ValidationError(exc.message, code="unreadable") from exc
    return found


@transaction.atomic
def report_add_evidence(*, report_id: int, actor, upload: UploadedFile) -> ReportEvidence:
    report = _lock_open_report(report_id, actor)
    found = validate_evidence(upload)
    if report.evidence.count() >= MAX_EVIDENCE_FILES:
        raise ValidationError(_("A report can carry at most %(n)s files."), params={"n": MAX_EVIDENCE_FILES})
    evidence = ReportEvidence(
        report=report,
        original_name=(upload.name or "evidence")[-200:],
        content_type=found.mime,
        size=upload.size,
        uploaded_by=actor,
    )
    # Stored under a random name with the true extension (see evidence_upload_to), never the sender's.
    evidence.file.save(f"evidence.{found.extension}", upload, save=False)
    evidence.save()
    _audit(report=report, action=ReportEvent.Action.EVIDENCE_ADDED, actor=actor, comment=evidence.original_name)
    return evidence


@transaction.atomic
def report_remove_evidence(*, evidence_id: int, actor) -> None:
    evidence = ReportEvidence.objects.select_related("report").get(pk=evidence_id)
    report = _lock_open_report(evidence.report_id, actor)
    name = evidence.original_name
    # The stored file goes once the row is really gone.
    storage, path = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(path))
    _audit(report=report, action=ReportEvent.Action.EVIDENCE_REMOVED, actor=actor, comment=name)
