from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from heforshe.lib.admin import HardenedAdminMixin
from partners import services
from partners.forms import AdminInvitationForm, PartnerAdminForm
from partners.models import (
    Commitment,
    Partner,
    PartnerInvitation,
    PartnerMembership,
    ProgressReport,
    ReportEvent,
    ReportEvidence,
    ReportReminder,
    ReportValue,
)


class MembershipInline(admin.TabularInline):
    model = PartnerMembership
    extra = 0
    autocomplete_fields = ["user"]


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0
    fields = [
        "framework_code",
        "pillar",
        "title",
        "indicator",
        "baseline",
        "target_value",
        "unit",
        "due_date",
        "status",
        "current_value",
    ]
    readonly_fields = ["framework_code", "status", "current_value"]


@admin.register(Partner)
class PartnerAdmin(HardenedAdminMixin, admin.ModelAdmin):
    form = PartnerAdminForm
    list_display = ["name", "sector", "country", "is_impact_champion", "signup_target", "is_active"]
    list_filter = ["sector", "is_impact_champion", "is_active", "country"]
    search_fields = ["name", "slug", "referral_code"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["invite_link", "created_at", "updated_at"]
    inlines = [MembershipInline, CommitmentInline]

    @admin.display(description=_("Invite"))
    def invite_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        url = reverse("admin:partners_partnerinvitation_add") + f"?partner={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Invite someone to act for this partner"))

    actions = ["adopt_framework"]

    @admin.action(description=_("Adopt the sector framework as commitments"), permissions=["change"])
    def adopt_framework(self, request, queryset):
        total = sum(len(services.commitments_adopt_framework(partner=p)) for p in queryset)
        message = ngettext("%(n)s commitment added.", "%(n)s commitments added.", total) % {"n": total}
        self.message_user(request, message, messages.SUCCESS)


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "partner", "role", "language", "created_at"]
    list_filter = ["role", "partner__sector"]
    search_fields = ["user__email", "partner__name"]
    list_select_related = ["user", "partner"]
    autocomplete_fields = ["user", "partner"]


@admin.register(PartnerInvitation)
class PartnerInvitationAdmin(HardenedAdminMixin, admin.ModelAdmin):
    """Staff invite here: saving the form calls the invitation service (email on commit)."""

    form = AdminInvitationForm
    list_display = ["email", "partner", "role", "language", "created_at", "sent_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "partner__sector"]
    search_fields = ["email", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    actions = ["resend", "revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "partner",
            "email",
            "role",
            "language",
            "invited_by",
            "created_at",
            "sent_at",
            "accepted_at",
            "accepted_by",
            "revoked_at",
        ]

    def save_model(self, request, obj, form, change):
        if change:
            return  # invitations are not edited; resend or revoke them
        invitation = services.invitation_create(
            partner=obj.partner, email=obj.email, role=obj.role, language=obj.language, invited_by=request.user
        )
        obj.pk = invitation.pk

    @admin.action(description=_("Send the invitation email again"), permissions=["change"])
    def resend(self, request, queryset):
        for invitation in queryset:
            try:
                services.invitation_resend(invitation=invitation)
            except ValidationError as exc:
                self.message_user(request, f"{invitation.email}: {' '.join(exc.messages)}", messages.WARNING)

    @admin.action(description=_("Revoke"), permissions=["change"])
    def revoke(self, request, queryset):
        for invitation in queryset:
            services.invitation_revoke(invitation=invitation)


@admin.register(Commitment)
class CommitmentAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "partner", "pillar", "status", "current_value", "target_value", "due_date"]
    list_filter = ["status", "pillar", "partner__sector"]
    search_fields = ["title", "framework_code", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    readonly_fields = ["status", "current_value", "status_updated_at", "created_at", "updated_at"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ValueInline(ReadOnlyInline):
    model = ReportValue
    fields = ["commitment", "value", "note"]


class EvidenceInline(ReadOnlyInline):
    model = ReportEvidence
    fields = ["original_name", "content_type", "size", "created_at"]


class EventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ["created_at", "action", "actor", "from_status", "to_status", "comment"]


@admin.register(ProgressReport)
class ProgressReportAdmin(HardenedAdminMixin, admin.ModelAdmin):
    """Read-only here: decisions are taken on the review page, through the workflow service."""

    list_display = ["partner", "period_start", "due_date", "status", "overdue_since", "review_link"]
    list_filter = ["status", "partner__sector", "period_start"]
    search_fields = ["partner__name"]
    list_select_related = ["partner"]
    inlines = [ValueInline, EvidenceInline, EventInline]

    @admin.display(description=_("Review"))
    def review_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("partners:staff_report", args=[obj.pk]), _("Open"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(ReportReminder)
class ReportReminderAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["report", "kind", "recipient", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["kind"]
    list_select_related = ["report__partner", "recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
