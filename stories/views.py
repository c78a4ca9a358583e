"""Thin views: access checks, forms, and calls into services and selectors."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from partners.selectors import membership_for_user
from stories import selectors, services
from stories.forms import ActionForm, ConsentForm, MediaUploadForm, PeopleForm, QuoteForm
from stories.media import VIDEO_MAX_BYTES
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


# --- public --------------------------------------------------------------------------


@require_GET
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


class StoriesFeed(Feed):
    feed_type = Atom1Feed
    title = _("HeForShe local stories")
    subtitle = _("Men and boys taking action for gender equality in their communities.")

    def link(self):
        return reverse("stories:index")

    def items(self):
        return selectors.stories_published().order_by("-published_at")[:30]

    def item_title(self, item):
        return str(item)

    def item_description(self, item):
        return item.quote if "quote" in item.active_consent_kinds() else item.actions[:300]

    def item_link(self, item):
        return reverse("stories:detail", args=[item.slug])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


feed = StoriesFeed()


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


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    story = _own_story(request, pk)
    if step not in STEP_NAMES:
        raise Http404
    if not story.is_partner_editable:
        messages.info(request, _("This story can no longer be edited."))
        return redirect("stories:mine", pk=story.pk)
    index_ = STEP_NAMES.index(step)
    form_class = STEPS[index_][2]
    next_url = (
        reverse("stories:edit", args=[story.pk, STEP_NAMES[index_ + 1]])
        if index_ + 1 < len(STEPS)
        else reverse("stories:mine", args=[story.pk])
    )
    form = upload_form = None
    if step == "media":
        upload_form = MediaUploadForm()
        if request.method == "POST":
            upload_form = MediaUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
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
    elif step == "consents":
        live = sorted(c.kind for c in story.consents.all() if c.withdrawn_at is None)
        form = ConsentForm(request.POST or None, initial={"consents": live})
        if request.method == "POST" and form.is_valid():
            services.consents_record(story=story, user=request.user, kinds=set(form.cleaned_data["consents"]))
            messages.success(request, _("Your draft was saved."))
            return redirect(next_url)
    else:
        form = form_class(request.POST or None, instance=story)
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
            "next_url": next_url,
            "media": story.media.all(),
            "video_max": VIDEO_MAX_BYTES,
            "chunk_size": settings.STORIES_UPLOAD_CHUNK_SIZE,
            "guardian": ConsentKind.GUARDIAN,
        },
        # A refused file is a bad request, as on every upload form of the site; the page shows why.
        status=400 if upload_form is not None and upload_form.errors else 200,
    )


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
