from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from events import services
from events.models import Event, Registration
from heforshe.lib.admin import HardenedAdminMixin


@admin.register(Event)
class EventAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "timezone", "country", "partner", "capacity", "status"]
    list_filter = ["kind", "status", "pillar"]
    search_fields = ["title", "slug", "city"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    filter_horizontal = ["champions"]
    date_hierarchy = "starts_at"
    actions = ["cancel"]

    def save_model(self, request, obj, form, change):
        services.event_save(event=obj, user=request.user)

    @admin.action(description=_("Cancel the selected events and tell everyone registered"), permissions=["change"])
    def cancel(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.event_cancel(event_id=pk, user=request.user)


@admin.register(Registration)
class RegistrationAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["event", "status", "language", "created_at", "checked_in_at"]
    list_filter = ["status"]
    list_select_related = ["event"]
    search_fields = ["event__title"]
    readonly_fields = [
        "event",
        "name",
        "email",
        "language",
        "status",
        "pledge",
        "confirmed_at",
        "checked_in_at",
        "reminder_sent_at",
    ]

    def has_add_permission(self, request):
        return False
