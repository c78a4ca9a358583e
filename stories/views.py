"""Thin views: access checks, forms, and calls into services and selectors."""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date, quote_etag, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe
from django_countries import countries

from heforshe.lib import sniff
from heforshe.lib.downloads import OCTET_STREAM, content_disposition, safe_filename
from heforshe.lib.media import VIDEO_MAX_BYTES
from heforshe.lib.pagecache import cache_page_for_anonymous
from heforshe.lib.storage import accel_redirect_uri, has_local_path, signed_url
from heforshe.middleware import OWN_GUARD, body_limit
from partners.selectors import membership_for_user
from stories import selectors, services
from stories.forms import (
    MULTIPART_MAX_BYTES,
    ActionForm,
    ConsentForm,
    MediaSizeLimitHandler,
    MediaUploadForm,
    PeopleForm,
    QuoteForm,
)
from stories.models import Consent, ConsentKind, MediaFile, Pillar, StoryState

STEPS = [
    ("people", _("People and place"), PeopleForm),
    ("action", _("What they did"), ActionForm),
    ("quote", _("Quote and pillar"), QuoteForm),
    ("media", _("Photos and video"), None),
    ("consents", _("Consents"), None),
]
STEP_NAMES = [s[0] for s in STEPS]
PAGE_SIZE = 12
# "original", "poster" or a rendition label such as "w400.webp" or "1080p.mp4".
MEDIA_LABEL = re.compile(r"[a-z0-9]{1,20}(?:\.[a-z0-9]{1,5})?")


# --- public --------------------------------------------------------------------------


@require_GET
@cache_page_for_anonymous(version=selectors.gallery_version, timeout=60)
def index(request: HttpRequest) -> HttpResponse:
    country = request.GET.get("country", "")
    pillar = request.GET.get("pillar", "")
    if pillar not in Pillar.values:
        pillar = ""
    if country not in countries:
        country = ""
    q = " ".join(request.GET.get("q", "").replace("\x00", "").split())[:100]
    page = Paginator(selectors.stories_published(country=country, pillar=pillar, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    cards = [{"story": s, "media": selectors.story_public_media(s)} for s in page.object_list]
    query = urlencode([(k, v) for k, v in (("q", q), ("country", country), ("pillar", pillar)) if v])
    return render(
        request,
        "stories/index.html",
        {
            "page": page,
            "cards": cards,
            "country": country,
            "pillar": pillar,
            "q": q,
            "pillars": Pillar.choices,
            "countries": [(code, countries.name(code)) for code in selectors.published_countries()],
            "query": query,
            "call": selectors.call_current(),
        },
    )


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    story = selectors.story_published_by_slug(slug=slug)
    if story is None:
        raise Http404
    return render(
        request,
        "stories/detail.html",
        {
            "story": story,
            "media": selectors.story_public_media(story),
            "consents": story.active_consent_kinds(),
        },
    )


class TextAtom1Feed(Atom1Feed):
    """Atom whose summaries are plain text (RFC 4287 section 3.1.1).

    Django's Atom1Feed marks every summary `type="html"`, so a feed reader would
    render the markup a partner typed into a story; as text it shows it literally.
    """

    def add_item_elements(self, handler, item):
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


class StoriesFeed(Feed):
    feed_type = TextAtom1Feed
    title = _("HeForShe local stories")
    subtitle = _("Men and boys taking action for gender equality in their communities.")
    # RFC 4287 requires an author for each entry, or for the feed as a fallback.
    author_name = "HeForShe"

    def link(self):
        return reverse("stories:index")

    def items(self):
        return selectors.stories_published().order_by("-published_at")[:30]

    def item_title(self, item):
        return str(item)

    def item_description(self, item):
        return item.quote if "quote" in item.active_consent_kinds() else item.actions[:300]

    def item_author_name(self, item):
        return item.partner.name

    def item_link(self, item):
        return reverse("stories:detail", args=[item.slug])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


_feed = StoriesFeed()


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """The Atom feed, answering 304 to a reader whose copy is current (If-None-Match / If-Modified-Since)."""
    response = _feed(request)
    # The ETag covers everything in the document (translations, partner names, consents);
    # Last-Modified is the latest change to any story that is or was published.
    etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    response["ETag"] = etag
    last_modified = selectors.feed_last_modified()
    timestamp = int(last_modified.timestamp()) if last_modified else None
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    else:
        del response["Last-Modified"]
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)


# --- partner submission -------------------------------------------------------------


def _membership_or_403(request: HttpRequest):
    membership = membership_for_user(user=request.user)
    if membership is None:
        raise PermissionDenied(_("Only members of a partner organisation can submit stories."))
    return membership


def _own_story(request: HttpRequest, pk: int):
    story = selectors.story_for_partner_user(user=request.user, pk=pk)
    if story is None:
        raise Http404
    return story


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    membership = _membership_or_403(request)
    call = selectors.call_current()
    if request.method == "POST":
        if call is None:
            raise Http404
        try:
            story = services.story_create_draft(
                call=call, partner=membership.partner, user=request.user, language=get_language() or "en"
            )
        except services.StoryError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("stories:submit")
        return redirect("stories:edit", pk=story.pk, step=STEP_NAMES[0])
    return render(
        request,
        "stories/submit.html",
        {
            "call": call,
            "call_open": bool(call and call.is_open()),
            "stories": selectors.stories_for_partner(partner=membership.partner),
            "partner": membership.partner,
        },
    )


@login_required
@require_GET
def mine(request: HttpRequest, pk: int) -> HttpResponse:
    story = _own_story(request, pk)
    decisions = story.audit_entries.filter(action="transition").exclude(comment="").select_related("actor")[:10]
    return render(
        request,
        "stories/mine.html",
        {
            "story": story,
            "problems": services.submission_problems(story) if story.is_partner_editable else [],
            "decisions": decisions,
            "consents": story.consents.filter(withdrawn_at__isnull=True),
            "steps": STEPS,
            "call_open": story.call.is_open(),
        },
    )


@login_required
@require_GET
def media_states(request: HttpRequest, pk: int) -> JsonResponse:
    """Processing states for the status page to refresh without reloading."""
    story = _own_story(request, pk)
    return JsonResponse(
        {
            "media": [
                {
                    "id": m.pk,
                    "status": m.status,
                    "label": str(m.get_status_display()),
                    "failure": str(m.get_failure_display()),
                    "progress": selectors.media_progress(m),
                }
                for m in story.media.prefetch_related("renditions")
            ]
        }
    )


def _content_length(request: HttpRequest) -> int:
    # As Django's WSGIRequest reads it; a malformed header means no body.
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


@body_limit(OWN_GUARD)  # the guard below refuses a larger body with the form's own message
@login_required
@csrf_exempt  # checked by _edit, once the size guard below is in place
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of the draft. An upload too large is refused before its body is read.

    The CSRF middleware would read (and store) the whole multipart body to find
    the token, so this view is exempt from it: it refuses a body larger than any
    file we accept from its Content-Length, installs the upload handler that cuts
    a file off at its kind's limit, and only then runs the CSRF check.
    """
    guard = None
    if request.method == "POST" and step == "media":
        if _content_length(request) > MULTIPART_MAX_BYTES:
            story = _own_story(request, pk)
            if not story.is_partner_editable:
                return redirect("stories:mine", pk=story.pk)
            upload_form = _refused_upload_form(_("This video is too large: videos may be up to 2 GB."))
            return _render_edit(request, story, step, upload_form=upload_form, status=413)
        guard = MediaSizeLimitHandler(request)
        request.upload_handlers.insert(0, guard)
    return _edit(request, pk, step, guard)


@csrf_protect
def _edit(request: HttpRequest, pk: int, step: str, guard: MediaSizeLimitHandler | None) -> HttpResponse:
    story = _own_story(request, pk)
    if step not in STEP_NAMES:
        raise Http404
    if not story.is_partner_editable:
        messages.info(request, _("This story can no longer be edited."))
        return redirect("stories:mine", pk=story.pk)
    next_url = _next_url(story, step)
    form = upload_form = None
    status = 200
    if step == "media":
        upload_form = MediaUploadForm()
        if request.method == "POST":
            upload_form = MediaUploadForm(request.POST, request.FILES)
            if guard is not None and guard.refusal:
                upload_form = _refused_upload_form(guard.refusal)
                status = 413
            elif upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                try:
                    services.media_add(
                        story=story, user=request.user, fileobj=upload, name=upload.name, size=upload.size
                    )
                except services.StoryError as exc:
                    upload_form.add_error("file", exc.messages)
                else:
                    messages.success(request, _("File received. It is being processed."))
                    return redirect("stories:edit", pk=story.pk, step="media")
            if status == 200 and upload_form.errors:
                # A refused file is a bad request, as on every upload form of the site; the page shows why.
                status = 400
    elif step == "consents":
        live = sorted(c.kind for c in story.consents.all() if c.withdrawn_at is None)
        form = ConsentForm(request.POST or None, initial={"consents": live})
        if request.method == "POST" and form.is_valid():
            services.consents_record(story=story, user=request.user, kinds=set(form.cleaned_data["consents"]))
            messages.success(request, _("Your draft was saved."))
            return redirect(next_url)
    else:
        form = STEPS[STEP_NAMES.index(step)][2](request.POST or None, instance=story)
        if request.method == "POST" and form.is_valid():
            try:
                services.story_update_draft(
                    story=story, user=request.user, data={name: form.cleaned_data[name] for name in form.fields}
                )
            except ValidationError as exc:  # StoryError, or a model constraint the form did not check
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Your draft was saved."))
                return redirect(next_url if "next" in request.POST else request.path)
        if request.method == "POST":
            # The form instance now holds unsaved values: show the draft as stored next to the errors.
            story.refresh_from_db()
    return _render_edit(request, story, step, form=form, upload_form=upload_form, status=status)


def _refused_upload_form(message: str) -> MediaUploadForm:
    form = MediaUploadForm(data={}, files={})
    form.errors["file"] = form.error_class([message])  # in place of "This field is required."
    return form


def _next_url(story, step: str) -> str:
    index_ = STEP_NAMES.index(step)
    if index_ + 1 < len(STEPS):
        return reverse("stories:edit", args=[story.pk, STEP_NAMES[index_ + 1]])
    return reverse("stories:mine", args=[story.pk])


def _render_edit(request: HttpRequest, story, step: str, *, form=None, upload_form=None, status: int = 200):
    index_ = STEP_NAMES.index(step)
    return render(
        request,
        "stories/edit.html",
        {
            "story": story,
            "step": step,
            "step_label": STEPS[index_][1],
            "steps": STEPS,
            "step_index": index_ + 1,
            "form": form,
            "upload_form": upload_form,
            "next_url": _next_url(story, step),
            "media": story.media.all(),
            "video_max": VIDEO_MAX_BYTES,
            "chunk_size": settings.STORIES_UPLOAD_CHUNK_SIZE,
            "guardian": ConsentKind.GUARDIAN,
        },
        status=status,
    )


@require_safe
def media_file(request: HttpRequest, pk: int, media_id: int, label: str) -> HttpResponse:
    """One file of a story's media, whatever the story's state, for its organisation and curators only.

    Everyone else gets 404, signed in or not. Published stories' renditions are
    also at their public storage URL; this is how drafts and stories under review
    are seen, and how the original is fetched.
    """
    media = (
        None
        if not MEDIA_LABEL.fullmatch(label)
        else selectors.media_for_viewer(user=request.user, story_id=pk, media_id=media_id)
    )
    if media is None:
        raise Http404
    if label == "original":
        if not media.original:
            raise Http404
        found = sniff.BY_EXTENSION.get(media.extension)
        filename = safe_filename(media.original_name, media.extension or "bin", default=f"story-media-{media.pk}")
        return _serve_private(
            media.original.name, content_type=found.mime if found else OCTET_STREAM, filename=filename, inline=False
        )
    if label == "poster":
        if not media.poster:
            raise Http404
        return _serve_private(
            media.poster.name, content_type="image/jpeg", filename=f"story-media-{media.pk}-poster.jpg", inline=True
        )
    rendition = media.renditions.filter(label=label).first()
    if rendition is None:
        raise Http404
    return _serve_private(
        rendition.file.name,
        content_type=rendition.mime_type,
        filename=f"story-media-{media.pk}-{rendition.label}",
        inline=True,
    )


def _serve_private(name: str, *, content_type: str, filename: str, inline: bool) -> HttpResponse:
    """A stored file after the access check: handed to the proxy, streamed, or a signed storage URL."""
    accel = accel_redirect_uri(default_storage, name)
    if accel:
        # nginx serves the file from an `internal` location, from disk or fetched
        # from the bucket (ranges included); the path never reaches the client.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel
    elif has_local_path(default_storage, name):
        try:
            fileobj = default_storage.open(name, "rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(fileobj, content_type=content_type)
    else:
        # Object storage without a proxy: the bucket answers a short-lived link itself.
        response = HttpResponseRedirect(signed_url(default_storage, name))
    response["Content-Type"] = content_type
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def media_delete(request: HttpRequest, pk: int, media_id: int) -> HttpResponse:
    story = _own_story(request, pk)
    media = MediaFile.objects.filter(story=story, pk=media_id).first()
    if media is None:
        raise Http404
    try:
        services.media_remove(media=media, user=request.user)
    except services.StoryError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("stories:edit", pk=story.pk, step="media")


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner's own moves: submit, or withdraw the story."""
    story = _own_story(request, pk)
    to_state = {"submit": StoryState.SUBMITTED, "withdraw": StoryState.WITHDRAWN}.get(request.POST.get("action", ""))
    if to_state is None:
        raise Http404
    try:
        services.story_transition(story=story, to_state=to_state, user=request.user)
    except services.StoryError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Thank you: your story was submitted to the curators.")
            if to_state == StoryState.SUBMITTED
            else _("The story was withdrawn."),
        )
    return redirect("stories:mine", pk=story.pk)


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    story = _own_story(request, pk)
    kind = request.POST.get("kind", "")
    if kind not in ConsentKind.values or not Consent.objects.filter(story=story, kind=kind).exists():
        raise Http404
    services.consent_withdraw(story=story, kind=kind, user=request.user)
    messages.success(request, _("The consent was withdrawn on %(date)s.") % {"date": timezone.now().date()})
    return redirect("stories:mine", pk=story.pk)
