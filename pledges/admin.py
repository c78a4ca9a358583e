"""Pledge moderation: search, filters, CSV export, invalidation and the abuse trends."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from heforshe.lib.admin import HardenedAdminMixin
from heforshe.lib.csv import csv_response
from pledges import services
from pledges.models import Action, Pledge, RecordedAction
from pledges.selectors import trending


def can_invalidate(user) -> bool:
    # Both: Partnerships may view pledges (and so inherit the custom permission) but not change them.
    return user.has_perm("pledges.change_pledge") and user.has_perm("pledges.invalidate_pledge")


class TrendingForm(forms.Form):
    hours = forms.IntegerField(label=_("Hours back"), min_value=1, max_value=24 * 7, required=False)


class InvalidationForm(forms.Form):
    ip_hash = forms.CharField(label=_("IP hash"), max_length=32, required=False)
    domain = forms.CharField(label=_("Email domain"), max_length=253, required=False)
    since = forms.DateTimeField(label=_("Created from (UTC)"), required=False, help_text="2026-11-25 14:00")
    until = forms.DateTimeField(label=_("Created before (UTC)"), required=False)

    def criteria(self) -> dict:
        data = self.cleaned_data
        return {k: data[k] for k in ("ip_hash", "domain", "since", "until") if data.get(k)}


@admin.register(Pledge)
class PledgeAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["first_name", "email", "country", "city", "status", "partner", "created_at", "confirmed_at"]
    # A plain partner filter lists the (few) partners; RelatedOnlyFieldListFilter would scan millions of pledges.
    list_filter = ["status", "source", "created_at", "confirmed_at", "location_source", "partner", "country"]
    search_fields = ["email_canonical", "first_name", "=ip_hash", "=email_domain", "city"]
    list_select_related = ["partner"]
    date_hierarchy = "created_at"
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page
    actions = ["export_csv", "invalidate_selected"]
    readonly_fields = [f.name for f in Pledge._meta.fields]
    autocomplete_fields: list[str] = []

    def has_add_permission(self, request) -> bool:
        return False  # pledges come only through the form and the API

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # invalidate or erase instead: both keep the counts true

    def has_export_permission(self, request) -> bool:
        # Personal data leaves the site: its own permission, not "view" (Partnerships may view pledges).
        return request.user.has_perm("pledges.export_pledge")

    @admin.action(description=_("Export selected pledges as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        filters = {key: value for key, value in request.GET.items() if key not in ("o", "p")}
        header, rows = services.pledges_export_for_staff(
            queryset=queryset, user=request.user, filters={**filters, "all": request.POST.get("select_across") == "1"}
        )
        return csv_response("pledges.csv", header, rows)

    @admin.action(description=_("Invalidate selected pledges (they leave the counts)"))
    def invalidate_selected(self, request, queryset):
        if not can_invalidate(request.user):
            raise PermissionDenied
        n = services.pledges_invalidate(actor=request.user, pledge_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(n)d pledges invalidated.") % {"n": n}, messages.SUCCESS)

    def get_urls(self):
        urls = [
            path("trending/", self.admin_site.admin_view(self.trending_view), name="pledges_pledge_trending"),
            path("invalidate/", self.admin_site.admin_view(self.invalidate_view), name="pledges_pledge_invalidate"),
        ]
        return urls + super().get_urls()

    def trending_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = TrendingForm(request.GET)
        # A bad value gets its error and the default period, not a 500.
        valid = form.is_valid()
        hours = (form.cleaned_data.get("hours") if valid else None) or 24
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Trending sign-up sources"),
            "trending": trending(hours=hours),
            "hours": hours,
            "form": form,
            "can_invalidate": can_invalidate(request.user),
        }
        return TemplateResponse(request, "admin/pledges/trending.html", context, status=200 if valid else 400)

    def invalidate_view(self, request):
        if not can_invalidate(request.user):
            raise PermissionDenied
        form = InvalidationForm(request.POST or request.GET or None)
        preview = None
        if form.is_bound and form.is_valid():
            try:
                criteria = form.criteria()
                if request.method == "POST" and request.POST.get("confirm") == "yes":
                    n = services.pledges_invalidate(actor=request.user, **criteria)
                    self.message_user(request, _("%(n)d pledges invalidated.") % {"n": n}, messages.SUCCESS)
                    return redirect(reverse("admin:pledges_pledge_changelist"))
                qs = services.invalidation_queryset(**criteria)
                preview = {
                    "total": qs.count(),
                    "confirmed": qs.filter(status=Pledge.Status.CONFIRMED).count(),
                    "sample": list(qs.order_by("-created_at")[:20]),
                }
            except ValidationError as exc:
                form.add_error(None, exc)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Invalidate pledges in bulk"),
            "form": form,
            "preview": preview,
        }
        return TemplateResponse(request, "admin/pledges/invalidate.html", context)


@admin.register(Action)
class ActionAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "pillar", "level", "position", "is_active"]
    list_filter = ["pillar", "level", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(RecordedAction)
class RecordedActionAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "pillar", "level", "pledge", "created_at"]
    list_filter = ["pillar", "level", "created_at"]
    list_select_related = ["action", "pledge"]
    raw_id_fields = ["pledge"]
    readonly_fields = ["pledge", "action", "pillar", "level", "custom_text", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
