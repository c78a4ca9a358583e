from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import admin
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from events import services
from events.models import Event, Registration
from heforshe.lib.admin import HardenedAdminMixin


def _zone(name: str):
    try:
        return ZoneInfo(name) if name and len(name) <= 64 else timezone.get_default_timezone()
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


@admin.register(Event)
class EventAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "local_start", "timezone", "country", "partner", "capacity", "status"]
    list_filter = ["kind", "status", "pillar"]
    search_fields = ["title", "slug", "city"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    filter_horizontal = ["champions"]
    date_hierarchy = "starts_at"
    actions = ["cancel"]

    def save_model(self, request, obj, form, change):
        services.event_save(event=obj, user=request.user)

    @admin.display(description=_("starts (local time)"), ordering="starts_at")
    def local_start(self, obj):
        return formats.date_format(timezone.localtime(obj.starts_at, _zone(obj.timezone)), "DATETIME_FORMAT")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Start and end are typed and shown in the event's own time zone, as its organiser thinks of them:
        # the zone being chosen on a POST, else the stored one.
        zone = request.POST.get("timezone", "") if request.method == "POST" else ""
        if not zone and object_id and str(object_id).isdigit():
            zone = Event.objects.filter(pk=object_id).values_list("timezone", flat=True).first() or ""
        with timezone.override(_zone(zone)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # a TemplateResponse renders later, outside the zone, unless rendered here
            return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        for name in ("starts_at", "ends_at"):
            if name in form.base_fields:
                form.base_fields[name].help_text = _("In the event's own time zone.")
        return form

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
