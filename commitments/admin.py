from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from commitments import services
from commitments.models import ApiSignup, ApiToken, CommitmentsPage, EmbedOrigin, PartnerDomain, Review
from commitments.selectors import forget_origins
from heforshe.lib.admin import HardenedAdminMixin


class _ReviewedAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_filter = ["status"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    readonly_fields = ["status", "requested_by", "reviewed_by", "reviewed_at", "created_at"]
    actions = ["approve", "refuse"]

    def _review(self, request, queryset, approve: bool) -> None:
        for obj in queryset.exclude(status=Review.APPROVED if approve else Review.REJECTED):
            self.review(obj.pk, approve, request.user)

    @admin.action(description=_("Approve"), permissions=["review"])
    def approve(self, request, queryset):
        self._review(request, queryset, True)

    @admin.action(description=_("Refuse"), permissions=["review"])
    def refuse(self, request, queryset):
        self._review(request, queryset, False)

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("commitments.review_partnerdomain")


@admin.register(PartnerDomain)
class PartnerDomainAdmin(_ReviewedAdmin):
    list_display = ["domain", "partner", "status", "created_at", "reviewed_at"]
    search_fields = ["domain", "partner__name"]

    def review(self, pk, approve, user):
        services.domain_review(domain_id=pk, approve=approve, actor=user)


@admin.register(EmbedOrigin)
class EmbedOriginAdmin(_ReviewedAdmin):
    list_display = ["origin", "partner", "status", "created_at", "reviewed_at"]
    search_fields = ["origin", "partner__name"]

    def review(self, pk, approve, user):
        site = services.origin_review(origin_id=pk, approve=approve, actor=user)
        forget_origins(partner_id=site.partner_id)


@admin.register(ApiToken)
class ApiTokenAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "prefix", "partner", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["partner"]
    search_fields = ["name", "prefix", "partner__name"]
    readonly_fields = ["partner", "name", "prefix", "scopes", "created_by", "created_at", "last_used_at", "revoked_at"]
    exclude = ["token_hash"]

    def has_add_permission(self, request) -> bool:
        return False  # created by the partner, shown to it once


@admin.register(ApiSignup)
class ApiSignupAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["external_id", "partner", "outcome", "created_at"]
    list_select_related = ["partner"]
    list_filter = ["outcome"]
    readonly_fields = ["partner", "token", "external_id", "pledge_id", "outcome", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CommitmentsPage)
class CommitmentsPageAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["partner", "colour", "updated_at"]
    autocomplete_fields = ["partner"]
