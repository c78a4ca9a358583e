"""Admin for the Kit editors group: kits, translations with versions, restores, statistics."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from actionkits import selectors, services
from actionkits.charts import line_chart
from actionkits.forms import KitTranslationAdminForm
from actionkits.models import ActionKit, KitDownloadCount, KitTranslation, KitVersion, Pillar
from heforshe.lib.admin import HardenedAdminMixin

# The admin has no site stylesheet: the badges carry their own colours (AA contrast on white).
BADGE_STYLE = {
    selectors.Status.SOURCE: "background:#e8eefc;color:#1d3b8b",
    selectors.Status.CURRENT: "background:#e3f4ea;color:#14532d",
    selectors.Status.OUT_OF_DATE: "background:#fdf0d5;color:#7a4b00",
    selectors.Status.MISSING: "background:#fbe4e4;color:#8b1d1d",
}


STATUS_MARKS = {
    selectors.Status.SOURCE: "★",
    selectors.Status.CURRENT: "✓",
    selectors.Status.OUT_OF_DATE: "!",
    selectors.Status.MISSING: "–",
}


def status_badges(kit: ActionKit, *, compact: bool = False):
    """One coloured badge per language; the compact form (for lists) shows a mark, the label is in the title."""
    statuses = selectors.translation_status(kit)
    return format_html_join(
        " ",
        '<span style="{};padding:1px 6px;border-radius:8px;white-space:nowrap;display:inline-block;margin:1px 0" '
        'title="{}: {}">{} {}</span>',
        (
            (
                BADGE_STYLE[status],
                selectors.language_name(code),
                selectors.STATUS_LABELS[status],
                code,
                STATUS_MARKS[status] if compact else selectors.STATUS_LABELS[status],
            )
            for code, status in statuses.items()
        ),
    )


class KitTranslationInline(admin.TabularInline):
    """Read-only overview; translations are edited on their own page so every save is a version."""

    model = KitTranslation
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["language", "title", "version", "source_version", "file_format", "size", "preview_status"]
    readonly_fields = fields

    @admin.display(description=_("size"))
    def size(self, obj: KitTranslation) -> str:
        return filesizeformat(obj.file_size) if obj.file else "–"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Pillar)
class PillarAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "code", "position"]
    search_fields = ["code"]


@admin.register(ActionKit)
class ActionKitAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["slug", "audience", "restricted", "is_published", "languages", "downloads"]
    list_filter = ["audience", "is_published", "restricted_to_sector", "pillars"]
    search_fields = ["slug", "translations__title"]
    filter_horizontal = ["pillars"]
    inlines = [KitTranslationInline]
    readonly_fields = ["translation_status", "links"]
    fieldsets = [
        (None, {"fields": ["slug", "audience", "pillars", "restricted_to_sector", "is_published", "position"]}),
        (_("Translations"), {"fields": ["translation_status", "links"]}),
    ]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).prefetch_related("translations").annotate(total=Sum("download_counts__count"))
        )

    @admin.display(description=_("restricted"), ordering="restricted_to_sector")
    def restricted(self, obj: ActionKit) -> str:
        return obj.get_restricted_to_sector_display() if obj.restricted_to_sector else "–"

    @admin.display(description=_("languages"))
    def languages(self, obj: ActionKit):
        return status_badges(obj, compact=True)

    @admin.display(description=_("translation status"))
    def translation_status(self, obj: ActionKit):
        return status_badges(obj) if obj.pk else "–"

    @admin.display(description=_("downloads"), ordering="total")
    def downloads(self, obj: ActionKit):
        url = reverse("admin:actionkits_actionkit_statistics", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, getattr(obj, "total", None) or 0)

    @admin.display(description=_("actions"))
    def links(self, obj: ActionKit):
        if not obj.pk:
            return _("Save the kit, then add its English version.")
        add_url = reverse("admin:actionkits_kittranslation_add") + f"?kit={obj.pk}"
        stats_url = reverse("admin:actionkits_actionkit_statistics", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            add_url,
            _("Add a language"),
            stats_url,
            _("Download statistics"),
        )

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="actionkits_actionkit_statistics",
            ),
        ]
        return urls + super().get_urls()

    def statistics_view(self, request, object_id: str):
        # get_object answers None for an id that is not one ("abc"), as the change view does.
        kit = self.get_object(request, unquote(object_id))
        if kit is None:
            raise Http404
        if not self.has_view_permission(request, kit):
            raise PermissionDenied
        try:
            days = min(max(int(request.GET.get("days", 30)), 7), 365)
        except ValueError:
            days = 30
        stats = selectors.download_stats(kit=kit, days=days)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Download statistics: %(kit)s") % {"kit": kit.slug},
            "opts": self.model._meta,
            "original": kit,
            "kit": kit,
            "stats": stats,
            "chart": line_chart(days=stats.days, series=stats.series),
            "days": days,
            # Newest first, one column per language in the chart.
            "daily_rows": [
                (day, [values[i] for values in stats.series.values()])
                for i, day in reversed(list(enumerate(stats.days)))
            ],
            "day_options": [7, 30, 90, 365],
            "language_names": {code: selectors.language_name(code) for code in selectors.LANGUAGE_CODES},
        }
        return TemplateResponse(request, "admin/actionkits/statistics.html", context)


class KitVersionInline(admin.TabularInline):
    model = KitVersion
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["version", "title", "source_version", "file", "file_size", "change_notes", "created_at", "created_by"]
    readonly_fields = fields
    ordering = ["-version"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(KitTranslation)
class KitTranslationAdmin(HardenedAdminMixin, admin.ModelAdmin):
    form = KitTranslationAdminForm
    list_display = ["title", "kit", "language", "version", "status", "file_summary", "preview_status"]
    list_filter = ["language", "kit__audience", "file_format", "preview_status"]
    list_select_related = ["kit"]
    search_fields = ["title", "kit__slug"]
    autocomplete_fields = ["kit"]
    inlines = [KitVersionInline]
    readonly_fields = ["version", "source_version", "file_format", "file_size", "preview_status", "preview_error"]

    def get_readonly_fields(self, request, obj=None):
        # Kit and language identify the row; to move content, add a new language.
        # A new translation has no version or file facts to show yet.
        return [*self.readonly_fields, "kit", "language"] if obj else []

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_queryset(self, request):
        # The English rows of the listed kits, for the status column, in one more query.
        return super().get_queryset(request).prefetch_related("kit__translations")

    @admin.display(description=_("status"))
    def status(self, obj: KitTranslation):
        status = selectors.translation_status(obj.kit)[obj.language]
        return format_html(
            '<span style="{};padding:1px 6px;border-radius:8px">{}</span>',
            BADGE_STYLE[status],
            selectors.STATUS_LABELS[status],
        )

    @admin.display(description=_("file"))
    def file_summary(self, obj: KitTranslation) -> str:
        return f"{obj.get_file_format_display()} · {filesizeformat(obj.file_size)}" if obj.file else "–"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        kit = obj.kit if change else data["kit"]
        language = obj.language if change else data["language"]
        # An unticked box keeps the English version the translation was made from.
        keep_source = change and not data.get("matches_english", True) and obj.source_version
        try:
            saved = services.translation_save(
                kit=kit,
                language=language,
                title=data["title"],
                summary=data["summary"],
                body=data.get("body", ""),
                file=data["file"] if "file" in form.changed_data and data.get("file") else None,
                change_notes=data.get("change_notes", ""),
                source_version=obj.source_version if keep_source else None,
                user=request.user,
            )
        except ValidationError as exc:
            # The form checked the same rules; this is a race with another editor.
            messages.error(request, "; ".join(exc.messages))
            raise
        obj.pk = saved.pk
        obj.version = saved.version
        if saved.preview_status == "pending":
            messages.info(request, _("A preview of the first page is being generated."))


@admin.register(KitVersion)
class KitVersionAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["translation", "version", "title", "file_format", "created_at", "created_by"]
    list_filter = ["translation__language", "translation__kit"]
    list_select_related = ["translation__kit", "created_by"]
    search_fields = ["title", "translation__kit__slug"]
    readonly_fields = [f.name for f in KitVersion._meta.fields]
    actions = ["restore"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Versions are history: viewable and restorable, never edited.
        return False

    @admin.action(description=_("Restore the selected version (as a new version)"), permissions=["restore"])
    def restore(self, request, queryset):
        for version in queryset.select_related("translation__kit"):
            translation = services.translation_restore(version_id=version.pk, user=request.user)
            self.message_user(
                request,
                _("%(kit)s [%(language)s]: version %(old)s restored as version %(new)s.")
                % {
                    "kit": translation.kit.slug,
                    "language": translation.language,
                    "old": version.version,
                    "new": translation.version,
                },
                messages.SUCCESS,
            )

    def has_restore_permission(self, request) -> bool:
        return request.user.has_perm("actionkits.change_kittranslation")


@admin.register(KitDownloadCount)
class KitDownloadCountAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["kit", "language", "version", "country", "day", "count"]
    list_filter = ["language", "day", "kit"]
    list_select_related = ["kit"]
    date_hierarchy = "day"
    readonly_fields = ["kit", "language", "version", "country", "day", "count"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
