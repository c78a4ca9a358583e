from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from champions import services
from champions.models import Champion, Invitation, Revision
from heforshe.lib.admin import HardenedAdminMixin


class ChampionAdminForm(forms.ModelForm):
    portrait_upload = forms.FileField(
        label=_("New portrait"), required=False, help_text=_("JPEG, PNG or WebP; re-encoded without metadata.")
    )

    def clean(self):
        data = super().clean()
        statements = data.get("statements") or {}
        if not isinstance(statements, dict) or not all(
            isinstance(k, str) and k in dict(settings.LANGUAGES) and isinstance(v, str) for k, v in statements.items()
        ):
            self.add_error("statements", _('Give {"fr": "...", "ar": "..."}: a language code and its text.'))
            return data
        checks = [("statement", lambda: services.clean_statement(data.get("statement", "")))]
        checks += [("statements", lambda t=text: services.clean_statement(t)) for text in statements.values()]
        checks += [("video_url", lambda: services.clean_video_url(data.get("video_url", "")))]
        if data.get("portrait_upload"):
            checks.append(("portrait_upload", lambda: services.portrait_from_upload(data["portrait_upload"])))
        for field, check in checks:
            try:
                check()
            except ValidationError as exc:
                self.add_error(field, exc.messages)
        return data

    class Meta:
        model = Champion
        fields = [
            "name",
            "slug",
            "kind",
            "pillar",
            "role",
            "audience",
            "country",
            "partner",
            "statement",
            "statements",
            "video_url",
            "is_published",
            "on_leaderboard",
            "user",
        ]


@admin.register(Champion)
class ChampionAdmin(HardenedAdminMixin, admin.ModelAdmin):
    form = ChampionAdminForm
    list_display = ["name", "kind", "pillar", "country", "partner", "is_published", "on_leaderboard"]
    list_filter = ["kind", "pillar", "audience", "is_published", "on_leaderboard"]
    search_fields = ["name", "slug", "role"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    raw_id_fields = ["user"]
    prepopulated_fields = {"slug": ("name",)}
    actions = ["publish", "unpublish"]

    def save_model(self, request, obj, form, change):
        # The form has run the same checks (ChampionAdminForm.clean), so this does not refuse.
        services.champion_save(champion=obj, user=request.user, portrait=form.cleaned_data.get("portrait_upload"))

    @admin.action(description=_("Publish the selected champions"), permissions=["change"])
    def publish(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.champion_set_published(champion_id=pk, published=True, user=request.user)

    @admin.action(description=_("Unpublish the selected champions"), permissions=["change"])
    def unpublish(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.champion_set_published(champion_id=pk, published=False, user=request.user)


@admin.register(Revision)
class RevisionAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["champion", "language", "status", "created_at", "reviewed_by"]
    list_filter = ["status", "language"]
    list_select_related = ["champion", "reviewed_by"]
    readonly_fields = [
        "champion",
        "language",
        "statement",
        "video_url",
        "submitted_by",
        "reviewed_by",
        "reviewed_at",
        "status",
    ]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Approve the selected changes"), permissions=["change"])
    def approve(self, request, queryset):
        for pk in queryset.filter(status=Revision.Status.PENDING).values_list("pk", flat=True):
            services.revision_review(revision_id=pk, approve=True, user=request.user)

    @admin.action(description=_("Reject the selected changes"), permissions=["change"])
    def reject(self, request, queryset):
        for pk in queryset.filter(status=Revision.Status.PENDING).values_list("pk", flat=True):
            services.revision_review(revision_id=pk, approve=False, user=request.user)


@admin.register(Invitation)
class InvitationAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["email", "champion", "language", "created_at", "sent_at", "accepted_at"]
    list_select_related = ["champion"]
    search_fields = ["email", "champion__name"]
    readonly_fields = ["champion", "email", "language", "invited_by", "sent_at", "accepted_at", "accepted_by"]

    def has_add_permission(self, request):
        return False
