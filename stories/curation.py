"""The curators' workspace inside the admin: the review queue, one review page per story, previews.

It lives under /admin/stories/story/ (wired by StoryAdmin.get_urls) rather than
on the public site: curators already sign in there, `admin_view` gives the
staff-only login redirect and CSRF handling, and the queue sits beside the
rest of the admin in the same branded, translated, right-to-left frame.
Every decision goes through stories.services (the one state machine).
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from heforshe.lib.links import local_path
from stories import selectors, services
from stories.models import MediaKind, MediaStatus, Pillar, Story, StoryState

QUEUE_FILTERS = ("state", "assigned", "q", "pillar", "country")
SESSION_KEY = "stories_queue_filters"
PAGE_SIZE = 25
# The copy fields shown side by side with the submitter's original.
COMPARED_FIELDS = (
    "title",
    "heroes",
    "ages",
    "city",
    "country",
    "actions",
    "started_on",
    "is_ongoing",
    "ended_on",
    "quote",
    "pillar",
)


def may_moderate(request: HttpRequest) -> bool:
    return request.user.is_superuser or request.user.has_perm("stories.moderate_story")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(d, d) for d in services.Decision.ALL])
    comment = forms.CharField(required=False, max_length=5000)
    publish_at = forms.DateTimeField(
        required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
    )


def _filters(request: HttpRequest) -> dict[str, str]:
    """The queue's filters: from the query string when given, else the ones kept in the session."""
    if "clear" in request.GET:
        request.session.pop(SESSION_KEY, None)
        return {name: "waiting" if name == "state" else "" for name in QUEUE_FILTERS}
    if any(name in request.GET for name in QUEUE_FILTERS):
        chosen = {name: request.GET.get(name, "").strip()[:100] for name in QUEUE_FILTERS}
        request.session[SESSION_KEY] = chosen
    else:
        chosen = request.session.get(SESSION_KEY) or {"state": "waiting"}
    if chosen.get("state") not in ("waiting", "all", *selectors.QUEUE_STATES):
        chosen["state"] = "waiting"
    if chosen.get("assigned") not in ("", "me", "nobody"):
        chosen["assigned"] = ""
    if chosen.get("pillar") not in ("", *Pillar.values):
        chosen["pillar"] = ""
    if chosen.get("country") and chosen["country"] not in countries:
        chosen["country"] = ""
    return {name: chosen.get(name, "") for name in QUEUE_FILTERS}


def _each_context(admin_site, request, title: str) -> dict:
    return {**admin_site.each_context(request), "opts": Story._meta, "title": title}


def queue_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not may_moderate(request):
        raise PermissionDenied
    services.curator_setting_touch(user=request.user, language=translation.get_language() or "en")
    if request.method == "POST":
        return _queue_post(request)
    chosen = _filters(request)
    queue = selectors.stories_queue(
        state=chosen["state"],
        assigned=chosen["assigned"],
        user=request.user,
        q=chosen["q"],
        pillar=chosen["pillar"],
        country=chosen["country"],
    )
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.queue_counts()
    state_labels = dict(StoryState.choices)
    tabs = [("waiting", _("Waiting for a decision"), counts["waiting"])] + [
        (state, state_labels[state], counts[state]) for state in selectors.QUEUE_STATES
    ]
    rows = [{"story": s, "thumb": selectors.story_thumbnail(s)} for s in page.object_list]
    from stories.models import CuratorSetting

    setting = CuratorSetting.objects.filter(user=request.user).first()
    context = {
        **_each_context(model_admin.admin_site, request, _("Review queue")),
        "tabs": tabs,
        "rows": rows,
        "page": page,
        "chosen": chosen,
        "filtered": any(chosen[n] for n in ("assigned", "q", "pillar", "country")),
        "pillars": Pillar.choices,
        "countries": [(c, countries.name(c)) for c in selectors.queue_countries()],
        "now": timezone.now(),
        "notify_new": setting.notify_new if setting else True,
    }
    return TemplateResponse(request, "admin/stories/story/queue.html", context)


def _queue_post(request: HttpRequest) -> HttpResponse:
    back = reverse("admin:stories_story_queue")
    action = request.POST.get("action", "")
    if action == "notify":
        services.curator_setting_set_notify(user=request.user, notify=request.POST.get("notify") == "1")
        messages.success(request, _("Your email preference is saved."))
        return HttpResponseRedirect(back)
    if action != "publish":
        messages.error(request, _("Choose an action."))
        return HttpResponseRedirect(back)
    ids = [int(v) for v in request.POST.getlist("story") if v.isdigit()][:100]
    if not ids:
        messages.warning(request, _("Select at least one story."))
        return HttpResponseRedirect(back)
    done = 0
    for story in Story.objects.filter(pk__in=ids).order_by("submitted_at"):
        try:
            services.story_decide(story=story, user=request.user, decision=services.Decision.PUBLISH)
            done += 1
        except services.StoryError as exc:
            messages.warning(request, f"{story}: {' '.join(exc.messages)}")
    if done:
        messages.success(
            request,
            translation.ngettext(
                "%(n)d story was approved and published.", "%(n)d stories were approved and published.", done
            )
            % {"n": done},
        )
    return HttpResponseRedirect(back)


def _comparison(story: Story) -> list[dict]:
    rows = []
    for name in COMPARED_FIELDS:
        field = Story._meta.get_field(name)
        current = getattr(story, name)
        shown = getattr(story, f"get_{name}_display")() if field.choices else current
        if name == "country":
            shown = current.name if current else ""
        original = story.original.get(name) if story.original else None
        original_shown = original
        if name == "country" and original:
            original_shown = countries.name(original)
        elif field.choices and original:
            original_shown = dict(field.choices).get(original, original)
        if isinstance(current, bool):
            shown = _("yes") if current else _("no")
            original_shown = None if original is None else (_("yes") if original else _("no"))
        current_raw = current.isoformat() if hasattr(current, "isoformat") else current
        if name == "country":
            current_raw = str(current or "")
        rows.append(
            {
                "name": name,
                "label": field.verbose_name,
                "original": original_shown,
                "current": shown,
                "changed": story.original and original != current_raw,
                "long": name in ("actions", "quote"),
            }
        )
    return rows


def media_url(media, label: str, fieldfile) -> str:
    """The address of one of a media file's files, through the model's own accessor when it has one."""
    accessor = getattr(media, "private_url", None)
    if accessor is not None:
        return accessor(label)
    return fieldfile.url if fieldfile else ""


def _media_items(story: Story) -> tuple[list[dict], list[dict]]:
    photos, videos = [], []
    for media in story.media.all():
        item = {"media": media}
        renditions = list(media.renditions.all())
        if media.kind == MediaKind.PHOTO:
            jpegs = sorted((r for r in renditions if r.mime_type == "image/jpeg"), key=lambda r: r.width)
            small = next((r for r in jpegs if r.width >= 400), jpegs[0] if jpegs else None)
            large = jpegs[-1] if jpegs else None
            item["thumb"] = media_url(media, small.label, small.file) if small else ""
            item["large"] = media_url(media, large.label, large.file) if large else ""
            item["renditions"] = renditions
            photos.append(item)
        else:
            item["renditions"] = [
                {"r": r, "url": media_url(media, r.label, r.file)}
                for r in sorted(renditions, key=lambda r: -r.height)
                if r.mime_type.startswith("video/")
            ]
            item["poster"] = media_url(media, "poster", media.poster) if media.poster else ""
            videos.append(item)
    return photos, videos


def review_view(model_admin, request: HttpRequest, pk: int) -> HttpResponse:
    if not may_moderate(request):
        raise PermissionDenied
    story = selectors.story_for_review(pk=pk)
    if story is None or story.state == StoryState.DRAFT:
        raise Http404
    if request.method == "POST":
        return _review_post(request, story)
    photos, videos = _media_items(story)
    languages = [story.language] if story.language in dict(settings.LANGUAGES) else []
    languages += [code for code, _name in settings.LANGUAGES if code not in languages]
    public_url = ""
    if story.state == StoryState.PUBLISHED:
        with translation.override(story.language or settings.LANGUAGE_CODE):
            public_url = reverse("stories:detail", args=[story.slug])
    allowed = set(services.decisions_allowed(story))
    context = {
        **_each_context(model_admin.admin_site, request, str(story)),
        "story": story,
        "original": story,
        "comparison": _comparison(story),
        "photos": photos,
        "videos": videos,
        "unready": [m for m in story.media.all() if m.status != MediaStatus.READY],
        "consents": list(story.consents.all()),
        "audit": list(story.audit_entries.all()),
        "previews": [(code, translation.get_language_info(code)["name_local"]) for code in languages],
        "public_url": public_url,
        "allowed": allowed,
        "min_schedule": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "queue_url": reverse("admin:stories_story_queue"),
    }
    return TemplateResponse(request, "admin/stories/story/review.html", context)


def _review_post(request: HttpRequest, story: Story) -> HttpResponse:
    here = reverse("admin:stories_story_review", args=[story.pk])
    if request.POST.get("action") in ("assign", "unassign"):
        assignee = request.user if request.POST["action"] == "assign" else None
        services.story_assign(story=story, user=request.user, assignee=assignee)
        return HttpResponseRedirect(local_path(request.POST.get("next"), default=here))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision, and a valid date for a scheduled publication."))
        return HttpResponseRedirect(here)
    decision = form.cleaned_data["decision"]
    publish_at: datetime | None = form.cleaned_data["publish_at"]
    try:
        story = services.story_decide(
            story=story,
            user=request.user,
            decision=decision,
            comment=form.cleaned_data["comment"],
            publish_at=publish_at,
        )
    except services.StoryError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return HttpResponseRedirect(here)
    done = {
        services.Decision.PUBLISH: gettext_lazy("The story is approved and published."),
        services.Decision.SCHEDULE: gettext_lazy("The story is approved and will be published at the chosen time."),
        services.Decision.CHANGES: gettext_lazy("The submitter has been asked for changes."),
        services.Decision.REJECT: gettext_lazy("The story is rejected; the submitter has been told why."),
        services.Decision.FEATURE: gettext_lazy("The story is featured."),
        services.Decision.UNFEATURE: gettext_lazy("The story is no longer featured."),
    }[decision]
    messages.success(request, str(done))
    return HttpResponseRedirect(here)


def preview_view(model_admin, request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """The public page as it will look, in one of the site's languages, before (or after) publishing."""
    if not may_moderate(request):
        raise PermissionDenied
    if language not in dict(settings.LANGUAGES):
        raise Http404
    story = selectors.story_for_review(pk=pk)
    if story is None:
        raise Http404
    with translation.override(language):
        request.LANGUAGE_CODE = language
        response = TemplateResponse(
            request,
            "stories/detail.html",
            {
                "story": story,
                "media": selectors.story_preview_media(story),
                "consents": story.active_consent_kinds(),
                "preview": True,
                "review_url": reverse("admin:stories_story_review", args=[story.pk]),
            },
        )
        response.render()
    # A preview is never indexed nor cached by anyone.
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response
