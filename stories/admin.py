"""Curation in the Django admin. State changes and featuring go through services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from heforshe.lib.admin import HardenedAdminMixin
from heforshe.lib.downloads import serve_upload
from stories import curation, selectors, services
from stories.models import (
    TRANSITIONS,
    Call,
    Consent,
    MediaFile,
    MediaStatus,
    Story,
    StoryAuditEntry,
    StoryState,
)
from stories.selectors import user_is_curator
from stories.services import STORY_FIELDS


def _may_moderate(request: HttpRequest) -> bool:
    return user_is_curator(request.user)


@admin.register(Call)
class CallAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "opens_at", "deadline", "story_count"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_stories=Count("stories"))

    @admin.display(description=_("stories"), ordering="n_stories")
    def story_count(self, obj):
        return obj.n_stories


class MediaInline(admin.TabularInline):
    model = MediaFile
    extra = 0
    can_delete = False
    fields = ["preview", "kind", "status", "failure", "warning_list", "file_size", "dimensions", "duration", "attempts"]
    readonly_fields = fields

    @admin.display(description=_("file size"))
    def file_size(self, obj):
        return filesizeformat(obj.size)

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return _thumb(obj)

    @admin.display(description=_("warnings"))
    def warning_list(self, obj):
        return ", ".join(obj.warning_labels()) or "-"

    @admin.display(description=_("size"))
    def dimensions(self, obj):
        return f"{obj.width}x{obj.height}" if obj.width else "-"


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    can_delete = False
    fields = ["kind", "granted_by", "granted_at", "withdrawn_by", "withdrawn_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AuditInline(admin.TabularInline):
    model = StoryAuditEntry
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "what", "message"]
    readonly_fields = fields

    @admin.display(description=_("what happened"))
    def what(self, obj):
        return obj.sentence()

    @admin.display(description=_("message"))
    def message(self, obj):
        return obj.comment if obj.shows_comment else ""

    def has_add_permission(self, request, obj=None):
        return False


def _thumb(media: MediaFile | None, fallback: Story | None = None):
    if media is None:
        # A new story with nothing ready yet: say so rather than show "-".
        if fallback is not None:
            waiting = getattr(fallback, "n_media", 0) - getattr(fallback, "n_ready", 0)
            label = _("Processing") if waiting > 0 else _("No media")
            return format_html('<span class="hfs-thumb hfs-thumb-empty">{}</span>', label)
        return "-"
    if media.status != MediaStatus.READY:
        return media.get_status_display()
    # Through the access-checked view: an unpublished story's files have no public URL.
    rendition = media.rendition("w400.jpg") if media.kind == "photo" else None
    if rendition:
        url = curation.media_url(media, rendition.label, rendition.file)
    else:
        url = curation.media_url(media, "poster", media.poster) if media.poster else ""
    if not url:
        return media.get_kind_display()
    return format_html('<img class="hfs-thumb" src="{}" alt="" width="72" height="48">', url)


class MediaWarningFilter(admin.SimpleListFilter):
    title = _("media")
    parameter_name = "media"

    def lookups(self, request, model_admin):
        return [
            ("warnings", _("With warnings")),
            ("failed", _("With failed files")),
            ("processing", _("Still processing")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "warnings":
            warned = MediaFile.objects.filter(story=OuterRef("pk")).exclude(warnings=[])
            return queryset.filter(Exists(warned))
        if self.value() == "failed":
            return queryset.filter(media__status=MediaStatus.FAILED).distinct()
        if self.value() == "processing":
            return queryset.filter(media__status__in=[MediaStatus.PENDING, MediaStatus.PROCESSING]).distinct()
        return queryset


class StoryAdminForm(forms.ModelForm):
    class Meta:
        model = Story
        # The admin's fieldsets decide what is shown; the state is never a form field.
        fields = ["featured", "cover", "follow_up_notes", *STORY_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "cover" in self.fields:
            # Only this story's ready photos can be its cover.
            self.fields["cover"].queryset = MediaFile.objects.filter(
                story=self.instance, kind="photo", status=MediaStatus.READY
            )


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("New state"))
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to reject or request changes; it is emailed to the submitter."),
    )

    def __init__(self, *args, story: Story, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(StoryState.choices)
        self.fields["to_state"].choices = [(s, labels[s]) for s in TRANSITIONS[story.state]]


@admin.register(Story)
class StoryAdmin(HardenedAdminMixin, admin.ModelAdmin):
    form = StoryAdminForm
    # Kept to what fits a 1280 px screen beside the filters: state and date stay visible.
    list_display = [
        "thumbnail",
        "title_link",
        "state",
        "media_state",
        "submitted_at",
        "review_link",
    ]
    list_display_links = ["thumbnail", "title_link"]
    list_filter = ["state", "call", ("country", CountryFilter), "pillar", "partner", MediaWarningFilter, "featured"]
    search_fields = ["title", "heroes", "city", "actions", "quote", "partner__name", "slug"]
    list_select_related = ["partner", "cover"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "state",
        "slug",
        "partner",
        "call",
        "created_by",
        "language",
        "original_copy",
        "submitted_at",
        "published_at",
        "share_preview",
        "transition_link",
    ]
    fieldsets = [
        (None, {"fields": ["transition_link", "state", "featured", "cover", "follow_up_notes"]}),
        (
            _("Copy (curators may edit; the submitter's original is kept below)"),
            {
                # Contact details are not copy: they have a fieldset of their own.
                "fields": [name for name in STORY_FIELDS if name != "contact_details"]
            },
        ),
        (
            _("Submission"),
            {
                "fields": [
                    "partner",
                    "call",
                    "created_by",
                    "language",
                    "slug",
                    "submitted_at",
                    "published_at",
                    "contact_details",
                    "original_copy",
                    "share_preview",
                ]
            },
        ),
    ]
    inlines = [MediaInline, ConsentInline, AuditInline]
    actions = ["approve_and_publish", "start_review", "approve", "publish", "feature", "unfeature"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_media=Count("media", distinct=True),
                n_ready=Count("media", filter=Q(media__status=MediaStatus.READY), distinct=True),
                n_failed=Count("media", filter=Q(media__status=MediaStatus.FAILED), distinct=True),
                n_warned=Count("media", filter=~Q(media__warnings=[]), distinct=True),
            )
            .prefetch_related(
                "cover__renditions",
                Prefetch(
                    "media",
                    queryset=MediaFile.objects.filter(status=MediaStatus.READY).prefetch_related("renditions"),
                    to_attr="ready_media",
                ),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not _may_moderate(request):
            fields += ["featured", "cover", "follow_up_notes"]
        return fields

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        return _thumb(selectors.story_thumbnail(obj), fallback=obj)

    @admin.display(description=_("headline"), ordering="title")
    def title_link(self, obj):
        flags = []
        if obj.featured:
            flags.append(str(_("featured")))
        if obj.n_failed:
            flags.append(str(_("failed files")))
        if obj.n_warned:
            flags.append(str(_("media warnings")))
        if obj.has_minor:
            flags.append(str(_("minor")))
        return format_html(
            '<bdi dir="auto">{}</bdi>{}<div class="hfs-meta"><bdi dir="auto">{}</bdi>{}</div>',
            obj,
            format_html_join("", ' <span class="hfs-flag">{}</span>', ((f,) for f in flags)),
            obj.partner.name,
            f" · {obj.country.name}" if obj.country else "",
        )

    @admin.display(description=_("review"))
    def review_link(self, obj):
        if obj.state == StoryState.DRAFT:
            return "-"
        url = reverse("admin:stories_story_review", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Review"))

    @admin.display(description=_("media"))
    def media_state(self, obj):
        if not obj.n_media:
            return "-"
        return _("%(ready)s of %(total)s ready") % {"ready": obj.n_ready, "total": obj.n_media}

    def view_on_site(self, obj):
        if obj.state != StoryState.PUBLISHED:
            return None
        return reverse("stories:detail", args=[obj.slug])

    @admin.display(description=_("flags"))
    def flags(self, obj):
        flags = []
        if obj.n_failed:
            flags.append(_("failed files"))
        if obj.n_warned:
            flags.append(_("media warnings"))
        if obj.has_minor:
            flags.append(_("minor"))
        return ", ".join(str(f) for f in flags) or "-"

    @admin.display(description=_("submitter's original"))
    def original_copy(self, obj):
        if not obj.original:
            return "-"
        return format_html_join(
            "", "<p><strong>{}</strong>: {}</p>", ((k, v) for k, v in obj.original.items() if k != "contact_details")
        )

    @admin.display(description=_("share image"))
    def share_preview(self, obj):
        return format_html('<img src="{}" alt="" width="300">', obj.share_image.url) if obj.share_image else "-"

    @admin.display(description=_("moderation"))
    def transition_link(self, obj):
        if not obj.pk:
            return "-"
        url = reverse("admin:stories_story_transition", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Change state…"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            services.story_curate(story=obj, user=request.user, changed=list(form.changed_data))

    def get_urls(self):
        site = self.admin_site
        return [
            path("queue/", site.admin_view(lambda r: curation.queue_view(self, r)), name="stories_story_queue"),
            path(
                "<int:pk>/review/",
                site.admin_view(lambda r, pk: curation.review_view(self, r, pk)),
                name="stories_story_review",
            ),
            path(
                "<int:pk>/preview/<str:language>/",
                site.admin_view(lambda r, pk, language: curation.preview_view(self, r, pk, language)),
                name="stories_story_preview",
            ),
            path(
                "<int:pk>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="stories_story_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, pk: int):
        if not _may_moderate(request):
            raise PermissionDenied
        story = get_object_or_404(Story, pk=pk)
        form = TransitionForm(request.POST or None, story=story)
        if request.method == "POST" and form.is_valid():
            try:
                services.story_transition(
                    story=story,
                    to_state=form.cleaned_data["to_state"],
                    user=request.user,
                    comment=form.cleaned_data["comment"],
                )
            except services.StoryError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("The story is now “%(state)s”.") % {"state": StoryState(form.cleaned_data["to_state"]).label},
                )
                return HttpResponseRedirect(reverse("admin:stories_story_change", args=[story.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": story,
            "story": story,
            "form": form,
            "title": _("Change the state of “%(story)s”") % {"story": story},
        }
        return TemplateResponse(request, "admin/stories/story/transition.html", context)

    def _bulk(self, request, queryset, to_state: str):
        if not _may_moderate(request):
            raise PermissionDenied
        done = 0
        for story in queryset:
            try:
                services.story_transition(story=story, to_state=to_state, user=request.user)
                done += 1
            except services.StoryError as exc:
                self.message_user(request, f"{story}: {' '.join(exc.messages)}", messages.WARNING)
        if done:
            self.message_user(
                request, _("%(n)s stories are now “%(state)s”.") % {"n": done, "state": StoryState(to_state).label}
            )

    @admin.action(description=_("Start review of the selected stories"), permissions=["moderate"])
    def start_review(self, request, queryset):
        self._bulk(request, queryset, StoryState.IN_REVIEW)

    @admin.action(description=_("Approve the selected stories"), permissions=["moderate"])
    def approve(self, request, queryset):
        self._bulk(request, queryset, StoryState.APPROVED)

    @admin.action(description=_("Publish the selected stories"), permissions=["moderate"])
    def publish(self, request, queryset):
        self._bulk(request, queryset, StoryState.PUBLISHED)

    @admin.action(description=_("Approve and publish the selected stories"), permissions=["moderate"])
    def approve_and_publish(self, request, queryset):
        if not _may_moderate(request):
            raise PermissionDenied
        done = 0
        for story in queryset:
            try:
                services.story_decide(story=story, user=request.user, decision=services.Decision.PUBLISH)
                done += 1
            except services.StoryError as exc:
                self.message_user(request, f"{story}: {' '.join(exc.messages)}", messages.WARNING)
        if done:
            self.message_user(
                request, _("%(n)s stories are now “%(state)s”.") % {"n": done, "state": StoryState.PUBLISHED.label}
            )

    @admin.action(description=_("Feature the selected stories"), permissions=["moderate"])
    def feature(self, request, queryset):
        for story in queryset:
            services.story_set_featured(story=story, featured=True, user=request.user)

    @admin.action(description=_("Stop featuring the selected stories"), permissions=["moderate"])
    def unfeature(self, request, queryset):
        for story in queryset:
            services.story_set_featured(story=story, featured=False, user=request.user)

    def has_moderate_permission(self, request):
        return _may_moderate(request)


@admin.register(MediaFile)
class MediaFileAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "story", "kind", "status", "failure", "created_at"]
    list_filter = ["kind", "status", "failure"]
    list_select_related = ["story"]
    search_fields = ["story__title", "original_name"]
    # The original is offered through the download view below, never as a link to its storage URL.
    exclude = ["original", "poster"]
    readonly_fields = [
        {"original": "original_download", "poster": "poster_preview"}.get(f.name, f.name)
        for f in MediaFile._meta.fields
    ]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/original/",
                self.admin_site.admin_view(self.original_view),
                name="stories_mediafile_original",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("original file"))
    def original_download(self, obj):
        if not obj.pk or not obj.original:
            return "-"
        url = reverse("admin:stories_mediafile_original", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the original"))

    @admin.display(description=_("poster frame"))
    def poster_preview(self, obj):
        return _thumb(obj) if obj.pk and obj.poster else "-"

    def original_view(self, request, pk: int):
        """The submitter's file as uploaded, for staff who may see it: an inert download."""
        media = get_object_or_404(MediaFile, pk=pk)
        if not self.has_view_permission(request, media) or not media.original:
            raise PermissionDenied
        return serve_upload(media.original, name=media.original_name, default_stem=f"story-media-{media.pk}")
