from django.contrib import admin

from partners.models import Partner, PartnerMembership


class MembershipInline(admin.TabularInline):
    model = PartnerMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "country", "is_impact_champion", "signup_target", "is_active"]
    list_filter = ["sector", "is_impact_champion", "is_active", "country"]
    search_fields = ["name", "slug", "referral_code"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MembershipInline]


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "partner", "role", "created_at"]
    list_filter = ["role", "partner__sector"]
    search_fields = ["user__email", "partner__name"]
    list_select_related = ["user", "partner"]
    autocomplete_fields = ["user", "partner"]
