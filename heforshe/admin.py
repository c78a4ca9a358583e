"""The audit log in the admin: read-only, and only for objects the viewer may see."""

from __future__ import annotations

import json

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from heforshe.lib.admin import HardenedAdminMixin
from heforshe.lib.audit import action_choices, action_label
from heforshe.models import LogEntry


def viewable_content_types(user) -> list[int] | None:
    """Ids of the content types whose objects `user` may view; None means all (superusers)."""
    if user.is_superuser:
        return None
    cached = getattr(user, "_audit_content_types", None)
    if cached is not None:
        return cached
    condition = Q(pk__in=[])
    for permission in user.get_all_permissions():
        app_label, _dot, codename = permission.partition(".")
        for verb in ("view_", "change_"):  # the admin lets whoever may change an object view it
            if codename.startswith(verb):
                condition |= Q(app_label=app_label, model=codename[len(verb) :])
    ids = list(ContentType.objects.filter(condition).values_list("pk", flat=True))
    user._audit_content_types = ids
    return ids


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return action_choices()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(LogEntry)
class LogEntryAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["timestamp", "action_words", "object_link", "user"]
    list_filter = [ActionFilter, "timestamp"]
    search_fields = ["=object_id", "object_repr", "user__email", "action"]
    list_select_related = ["content_type", "user"]
    show_full_result_count = False
    fields = ["timestamp", "action_words", "action", "content_type", "object_link", "user", "details"]
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_words(self, obj: LogEntry) -> str:
        return action_label(obj.action)

    @admin.display(description=_("object"))
    def object_link(self, obj: LogEntry) -> str:
        label = obj.object_repr or f"{obj.content_type} {obj.object_id}".strip()
        if not obj.object_id:
            return label
        try:
            url = reverse(f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change", args=[obj.object_id])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("details"))
    def details(self, obj: LogEntry) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.data, indent=2, ensure_ascii=False, sort_keys=True))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = viewable_content_types(request.user)
        return queryset if ids is None else queryset.filter(content_type_id__in=ids)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        ids = viewable_content_types(request.user)
        if ids is None:
            return True
        if obj is not None:
            return obj.content_type_id in ids
        return bool(ids)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
