"""Evidence files attached to progress reports."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partners.models import (
    ReportEvent,
    ReportEvidence,
)
from partners.services.reports import _audit, _lock_open_report

# Magic bytes of the evidence formats we accept: the browser's content type and
# the file name are not trusted.
EVIDENCE_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


MAX_EVIDENCE_FILES = 10


def sniff_evidence_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in EVIDENCE_SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def validate_evidence(upload: UploadedFile) -> str:
    limit = settings.PARTNERS_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            params={"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)},
            code="too_large",
        )
    content_type = sniff_evidence_type(upload)
    if content_type is None:
        raise ValidationError(_("Evidence must be a PDF, PNG or JPEG file."), code="bad_type")
    return content_type


@transaction.atomic
def report_add_evidence(*, report_id: int, actor, upload: UploadedFile) -> ReportEvidence:
    report = _lock_open_report(report_id, actor)
    content_type = validate_evidence(upload)
    if report.evidence.count() >= MAX_EVIDENCE_FILES:
        raise ValidationError(_("A report can carry at most %(n)s files."), params={"n": MAX_EVIDENCE_FILES})
    evidence = ReportEvidence(
        report=report,
        original_name=(upload.name or "evidence")[-200:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    evidence.file.save("upload", upload, save=False)
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
