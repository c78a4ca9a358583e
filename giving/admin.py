"""Finance's admin: gifts and events are read-only (the provider is the truth); refunds go
through the provider; campaigns, rates, agreements and offers are kept here. Every change is
written to the one audit log."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from giving import services
from giving.currencies import format_money, parse_amount, to_major
from giving.models import (
    Campaign,
    CurrencyOption,
    Donation,
    ExchangeRate,
    MatchAllocation,
    Offer,
    ProviderEvent,
    SponsorAgreement,
    Subscription,
)
from heforshe.lib.admin import HardenedAdminMixin
from heforshe.lib.audit import log_action


class AuditedAdmin(HardenedAdminMixin, admin.ModelAdmin):
    """Writes an audit entry for every add, change and delete made in the admin."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = {name: str(model_to_dict(obj).get(name)) for name in (form.changed_data if form else [])}
        log_action(obj, "giving.record.changed" if change else "giving.record.created", user=request.user, data=changed)

    def delete_model(self, request, obj):
        log_action(obj, "giving.record.deleted", user=request.user)
        super().delete_model(request, obj)


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CurrencyOption)
class CurrencyOptionAdmin(AuditedAdmin):
    list_display = ["currency", "one_off_amounts", "monthly_amounts", "minimum_minor", "maximum_minor", "is_active"]
    list_editable = ["is_active"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(AuditedAdmin):
    list_display = ["currency", "usd_per_unit", "valid_on", "source"]
    list_filter = ["currency"]
    date_hierarchy = "valid_on"


class OfferInline(admin.TabularInline):
    model = Offer
    extra = 0
    autocomplete_fields = ["partner"]
    readonly_fields = ["matched_minor"]


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin):
    list_display = ["title", "slug", "goal_minor", "goal_currency", "starts_on", "ends_on", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "slug"]


@admin.register(Donation)
class DonationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "money", "frequency", "status", "campaign", "designation", "email", "provider"]
    list_filter = ["status", "frequency", "currency", "provider", "campaign"]
    list_select_related = ["campaign"]
    search_fields = ["email", "=public_id", "=payment_intent_id", "=checkout_session_id"]
    date_hierarchy = "created_at"
    actions = ["refund"]

    @admin.display(description=_("amount"))
    def money(self, obj):
        return format_money(obj.amount_minor, obj.currency)

    @admin.action(description=_("Refund the selected gifts in full"), permissions=["refund"])
    def refund(self, request, queryset):
        done = 0
        for donation in queryset:
            try:
                services.donation_refund(donation_id=donation.pk, user=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{donation}: {' '.join(exc.messages)}", messages.WARNING)
            except services.ProviderError as exc:
                self.message_user(request, f"{donation}: {exc}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                _("%(n)d refund(s) requested; each gift changes state when the provider confirms.") % {"n": done},
            )

    def has_refund_permission(self, request):
        return request.user.has_perm("giving.refund_donation")

    def get_urls(self):
        return [
            path(
                "<int:pk>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="giving_donation_refund",
            ),
            *super().get_urls(),
        ]

    def refund_view(self, request, pk: int):
        """Refund a part (or the rest) of one gift, in the gift's own currency."""
        if not self.has_refund_permission(request):
            raise PermissionDenied
        donation = get_object_or_404(Donation, pk=pk) if pk < 2**63 else None
        if donation is None:
            raise Http404
        remaining = donation.amount_minor - donation.refunded_minor
        error = ""
        if request.method == "POST":
            try:
                amount = parse_amount(request.POST.get("amount", ""), donation.currency)
                services.donation_refund(donation_id=donation.pk, user=request.user, amount_minor=amount)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            except services.ProviderError as exc:
                error = str(exc)
            else:
                self.message_user(request, _("Refund requested; the gift changes state when the provider confirms."))
                return redirect("admin:giving_donation_change", donation.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Refund a gift"),
            "donation": donation,
            "opts": self.model._meta,
            "amount": format_money(donation.amount_minor, donation.currency),
            "remaining": format_money(remaining, donation.currency),
            "remaining_major": to_major(remaining, donation.currency),
            "error": error,
        }
        return TemplateResponse(request, "admin/giving/donation/refund.html", context, status=400 if error else 200)


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["provider_subscription_id", "email", "amount_minor", "currency", "status", "created_at"]
    list_filter = ["status", "currency"]
    search_fields = ["email", "=provider_subscription_id"]


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "type", "event_id", "via", "outcome"]
    list_filter = ["type", "via", "provider"]
    search_fields = ["=event_id"]


@admin.register(SponsorAgreement)
class SponsorAgreementAdmin(AuditedAdmin):
    list_display = ["partner", "tier", "campaign", "starts_on", "ends_on", "committed_minor", "currency", "is_public"]
    list_filter = ["tier", "is_public"]
    autocomplete_fields = ["partner"]
    list_select_related = ["partner", "campaign"]


@admin.register(Offer)
class OfferAdmin(AuditedAdmin):
    list_display = ["partner", "campaign", "kind", "currency", "cap_minor", "matched_minor", "starts_at", "ends_at"]
    list_filter = ["kind"]
    autocomplete_fields = ["partner"]
    readonly_fields = ["matched_minor"]
    list_select_related = ["partner", "campaign"]


@admin.register(MatchAllocation)
class MatchAllocationAdmin(ReadOnlyAdmin):
    list_display = ["offer", "donation", "amount_minor", "created_at"]
    list_select_related = ["offer__partner", "donation"]
