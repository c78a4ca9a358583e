"""Writes for action kits: kits, translations with versions, restores, previews, download counts."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionkits.html import clean_html
from actionkits.models import (
    LANGUAGE_CODES,
    SOURCE_LANGUAGE,
    ActionKit,
    FileFormat,
    KitDownloadCount,
    KitTranslation,
    KitVersion,
    Pillar,
    PreviewStatus,
    kit_preview_path,
)
from actionkits.validators import validate_kit_file
from heforshe.lib import pillars as pillar_lib
from heforshe.lib.audit import log_action
from heforshe.lib.ratelimit import Limit, RateLimitExceeded, hit
from heforshe.lib.tasks import dispatch_on_commit

logger = logging.getLogger(__name__)

PREVIEW_WIDTH = 480
CONTENT_FIELDS = ("title", "summary", "body")


def pillars_ensure() -> list[Pillar]:
    """The four pillar rows (created by migration; this repairs a wiped table)."""
    return [
        Pillar.objects.get_or_create(code=code, defaults={"position": position})[0]
        for position, code in enumerate(pillar_lib.Pillar.values)
    ]


@transaction.atomic
def kit_create(
    *,
    slug: str,
    audience: str,
    pillars: Iterable[str] = (),
    restricted_to_sector: str = "",
    is_published: bool = True,
    position: int = 0,
) -> ActionKit:
    kit = ActionKit(
        slug=slug,
        audience=audience,
        restricted_to_sector=restricted_to_sector,
        is_published=is_published,
        position=position,
    )
    kit.full_clean()
    kit.save()
    if pillars:
        wanted = set(pillars)
        unknown = wanted - set(pillar_lib.Pillar.values)
        if unknown:
            raise ValueError(f"unknown pillar codes {sorted(unknown)}: use heforshe.lib.pillars.Pillar")
        kit.pillars.set([row for row in pillars_ensure() if row.code in wanted])
    return kit


def _check_language(language: str) -> None:
    if language not in LANGUAGE_CODES:
        error = ValidationError(
            _("“%(code)s” is not one of the six UN languages (%(codes)s)."),
            code="language",
            params={"code": language, "codes": ", ".join(LANGUAGE_CODES)},
        )
        raise ValidationError({"language": error})


def _snapshot(translation: KitTranslation, *, user=None) -> KitVersion:
    snapshot = KitVersion(
        translation=translation,
        version=translation.version,
        title=translation.title,
        summary=translation.summary,
        body=translation.body,
        file_format=translation.file_format,
        file_size=translation.file_size,
        source_version=translation.source_version,
        change_notes=translation.change_notes,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    # The snapshot points at the same stored file: files are never overwritten
    # (one folder per version), so no copy is needed.
    snapshot.file.name = translation.file.name
    snapshot.save()
    return snapshot


def _queue_preview(translation: KitTranslation) -> None:
    if translation.file and translation.file_format == FileFormat.PDF:
        translation.preview_status = PreviewStatus.PENDING
        translation.preview = ""
        translation.preview_error = ""
    else:
        translation.preview_status = PreviewStatus.NONE
        translation.preview = ""
        translation.preview_error = ""


def _dispatch_preview(translation: KitTranslation) -> None:
    if translation.preview_status == PreviewStatus.PENDING:
        from actionkits.tasks import generate_preview_task

        dispatch_on_commit(generate_preview_task, translation_id=translation.pk)


def _require_english(kit: ActionKit, language: str) -> KitTranslation | None:
    if language == SOURCE_LANGUAGE:
        return None
    english = KitTranslation.objects.filter(kit=kit, language=SOURCE_LANGUAGE).first()
    if english is None:
        raise ValidationError(
            {"language": _("Add the English version of this kit first; other languages are translated from it.")},
            code="no_source",
        )
    return english


def _store_upload(kit: ActionKit, language: str, file) -> str:
    """Write an uploaded file to storage; returns its stored name.

    Called before the row locks are taken: uploading to object storage can take
    seconds and must not hold them. The folder carries the version this upload
    will most likely become; under a race it may be off by one, which only
    affects the folder's label (the random part keeps names unique).
    """
    current = KitTranslation.objects.filter(kit=kit, language=language).values_list("version", flat=True).first()
    placeholder = KitTranslation(kit=kit, language=language, version=(current or 0) + 1)
    field = KitTranslation._meta.get_field("file")
    name = field.generate_filename(placeholder, PurePath(file.name).name)
    return field.storage.save(name, file, max_length=field.max_length)


def translation_save(
    *,
    kit: ActionKit,
    language: str,
    title: str,
    summary: str,
    body: str = "",
    file=None,
    change_notes: str = "",
    source_version: int | None = None,
    user=None,
) -> KitTranslation:
    """Create or update the kit's content in one language, as a new version.

    English comes first: a translation cannot exist without the English source.
    Saving unchanged content (same text, no new file) writes no new version.
    A translation records the English version it was made from; by default the
    current one, since an editor saving a translation vouches for it.
    A new file is validated and stored first, outside the locks; if the
    database write then fails, the stored file is removed again.
    """
    _check_language(language)
    body = clean_html(body)
    _require_english(kit, language)
    stored = None
    file_format, file_size = "", 0
    if file is not None:
        file_format, file_size = validate_kit_file(file)
        stored = _store_upload(kit, language, file)
    try:
        return _translation_write(
            kit=kit,
            language=language,
            title=title,
            summary=summary,
            body=body,
            stored=(stored, file_format, file_size) if stored else None,
            change_notes=change_notes,
            source_version=source_version,
            user=user,
        )
    except Exception:
        if stored:
            KitTranslation._meta.get_field("file").storage.delete(stored)
        raise


@transaction.atomic
def _translation_write(
    *,
    kit: ActionKit,
    language: str,
    title: str,
    summary: str,
    body: str,
    stored: tuple[str, str, int] | None,
    change_notes: str,
    source_version: int | None,
    user,
) -> KitTranslation:
    kit = ActionKit.objects.select_for_update().get(pk=kit.pk)
    english = _require_english(kit, language)  # again, under the lock
    translation = KitTranslation.objects.select_for_update().filter(kit=kit, language=language).first()
    if translation is None:
        translation = KitTranslation(kit=kit, language=language, version=1)
    else:
        unchanged = (
            all(
                getattr(translation, field) == value
                for field, value in zip(CONTENT_FIELDS, (title, summary, body), strict=True)
            )
            and stored is None
            and (english is None or (source_version or english.version) == translation.source_version)
        )
        if unchanged:
            return translation
        translation.version += 1

    translation.title = title
    translation.summary = summary
    translation.body = body
    translation.change_notes = change_notes
    translation.source_version = None if english is None else (source_version or english.version)
    if stored is not None:
        translation.file.name, translation.file_format, translation.file_size = stored
        _queue_preview(translation)
    translation.full_clean(exclude=["file", "preview"])
    translation.save()
    _snapshot(translation, user=user)
    log_action(translation, "actionkits.translation_saved", user=user, data={"version": translation.version})
    _dispatch_preview(translation)
    return translation


@transaction.atomic
def translation_restore(*, version_id: int, user=None) -> KitTranslation:
    """Make an old version current again, as a new version (history stays linear)."""
    old = KitVersion.objects.select_related("translation").get(pk=version_id)
    translation = KitTranslation.objects.select_for_update().get(pk=old.translation_id)
    file_changed = translation.file.name != old.file.name
    translation.version += 1
    for field in (*CONTENT_FIELDS, "file_format", "file_size"):
        setattr(translation, field, getattr(old, field))
    translation.file.name = old.file.name
    if translation.is_source:
        translation.source_version = None
    else:
        # The restored text was made from the English version recorded then.
        translation.source_version = old.source_version
    translation.change_notes = str(_("Restored version %(version)s.") % {"version": old.version})
    if file_changed:
        _queue_preview(translation)
    translation.save()
    _snapshot(translation, user=user)
    log_action(
        translation,
        "actionkits.translation_restored",
        user=user,
        data={"version": translation.version, "restored": old.version},
    )
    _dispatch_preview(translation)
    return translation


def translation_generate_preview(*, translation_id: int) -> bool:
    """Render page 1 of the translation's PDF to a PNG. Idempotent: only what is missing.

    Returns True when a preview is (now) ready. Rendering happens outside any
    transaction; the result is stored only if the file did not change meanwhile.
    """
    translation = KitTranslation.objects.filter(pk=translation_id).first()
    if translation is None:
        logger.info("Preview for missing kit translation %s skipped", translation_id)
        return False
    if translation.preview_status == PreviewStatus.READY and translation.preview:
        return True
    if not translation.file or translation.file_format != FileFormat.PDF:
        KitTranslation.objects.filter(pk=translation_id).update(preview_status=PreviewStatus.NONE)
        return False
    file_name = translation.file.name
    try:
        png = _render_first_page(translation)
    except Exception as exc:  # noqa: BLE001 - a broken PDF is the editor's to fix, not a crash loop
        logger.warning("Preview of %s failed", file_name, exc_info=True)
        KitTranslation.objects.filter(pk=translation_id, file=file_name).update(
            preview_status=PreviewStatus.FAILED, preview_error=str(exc)[:300]
        )
        return False
    storage = KitTranslation._meta.get_field("preview").storage
    name = storage.save(kit_preview_path(translation, "preview.png"), ContentFile(png))
    # Conditional UPDATE: only if the file is still the one we rendered.
    updated = KitTranslation.objects.filter(pk=translation_id, file=file_name).update(
        preview=name, preview_status=PreviewStatus.READY, preview_error=""
    )
    if not updated:
        storage.delete(name)  # a newer file arrived; its own task makes its preview
        return False
    return True


def _render_first_page(translation: KitTranslation) -> bytes:
    import pypdfium2 as pdfium

    with translation.file.open("rb") as handle:
        data = handle.read()
    document = pdfium.PdfDocument(data)
    try:
        page = document[0]
        width, _height = page.get_size()
        bitmap = page.render(scale=PREVIEW_WIDTH / width)
        image = bitmap.to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        page.close()
    finally:
        document.close()
    return out.getvalue()


def previews_requeue(*, older_than_seconds: int = 600) -> int:
    """Send the preview task again for rows stuck in `pending` (a lost task or a broker outage)."""
    from actionkits.tasks import generate_preview_task
    from heforshe.lib.tasks import send_task_now

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        KitTranslation.objects.filter(preview_status=PreviewStatus.PENDING, updated_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:100]
    )
    for pk in ids:
        send_task_now(generate_preview_task, translation_id=pk)
    return len(ids)


def download_record(*, kit_id: int, language: str, version: int, country: str = "") -> None:
    """Count one download in today's bucket: an UPDATE with F(), or an INSERT for a new bucket."""
    key = {"kit_id": kit_id, "language": language, "version": version, "country": country, "day": timezone.now().date()}
    if KitDownloadCount.objects.filter(**key).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            KitDownloadCount.objects.create(**key, count=1)
    except IntegrityError:
        # Another request created the bucket between our UPDATE and INSERT.
        KitDownloadCount.objects.filter(**key).update(count=F("count") + 1)


class DownloadsThrottled(RateLimitExceeded):
    """Too many kit downloads from one client (an IPv4 address or an IPv6 /64) in a window."""


def download_check_rate(*, client_key: str) -> None:
    """Count this download request for the client; raise DownloadsThrottled past a limit.

    `client_key` is heforshe.lib.ratelimit.address_key(ip). One pipelined Redis
    round trip; with Redis down nothing is limited.
    """
    if not client_key:
        return  # no address to count under (heforshe.lib.ratelimit's convention)
    limits = [
        Limit(f"actionkits:download:{name}:{client_key}", limit, window)
        for name, limit, window in settings.ACTIONKITS_DOWNLOAD_RATE_LIMITS
    ]
    verdict = hit(limits)
    if not verdict.allowed:
        raise DownloadsThrottled(",".join(verdict.exceeded), retry_after=verdict.retry_after)


def download_claim(*, kit_id: int, language: str, version: int, client_key: str) -> bool:
    """True the first time today that this client fetches this file version, so it is counted once.

    One SET NX with a TTL to the end of the day. The client is known here only
    by `client_key`, heforshe.lib.ratelimit.address_key(ip): a keyed hash. If
    Redis is down the download is counted: a count a little high is better
    than downloads lost.
    """
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    now = timezone.now()
    day = now.date()
    tomorrow = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)
    key = f"actionkits:dl:{day.isoformat()}:{kit_id}:{language}:{version}:{client_key or '-'}"
    try:
        return cache.add(key, 1, timeout=int((tomorrow - now).total_seconds()) + 60)
    except (RedisConnectionError, RedisTimeoutError):
        logger.warning("download de-duplication unavailable (Redis down); counting", exc_info=True)
        return True
