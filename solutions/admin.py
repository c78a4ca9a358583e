"""Admin: challenges (staff), and the moderation queue for the Moderators role.

Every moderation decision goes through solutions.services (hide, restore, edit with the original kept),
which audits it and emails the reason to the author; the admin never changes a post's state directly.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from heforshe.lib.admin import HardenedAdminMixin
from solutions import services
from solutions.models import Amendment, Challenge, Comment, CommentState, OutcomeUpdate, Report, Solution


@admin.register(Challenge)
class ChallengeAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["question", "pillar", "scope", "country", "partner", "opens_at", "closes_at", "is_published"]
    list_filter = ["pillar", "scope", "is_published"]
    search_fields = ["question", "slug"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    prepopulated_fields = {"slug": ["question"]}
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (services.Decision.HIDE, _("Hide")),
            (services.Decision.RESTORE, _("Restore")),
            (services.Decision.EDIT, _("Edit (the original is kept)")),
        ],
    )
    reason = forms.CharField(label=_("Reason sent to the author"), widget=forms.Textarea(attrs={"rows": 3}))
    title = forms.CharField(label=_("Title"), max_length=140, required=False)
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 10}))


class ReportInline(admin.TabularInline):
    model = Report
    fields = ["reason", "detail", "created_at", "resolved_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OutcomeInline(admin.TabularInline):
    model = OutcomeUpdate
    fields = ["outcome", "partner", "note", "happened_on", "created_by", "notified_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Solution)
class SolutionAdmin(HardenedAdminMixin, admin.ModelAdmin):
    """The moderation queue: hidden-pending-review first, then the most reported."""

    list_display = ["title", "challenge", "state", "report_count", "support_count", "outcome", "created_at", "moderate"]
    list_filter = ["state", "outcome", "language", "challenge"]
    search_fields = ["title"]
    list_select_related = ["challenge"]
    ordering = ["-report_count", "-created_at"]
    readonly_fields = [f.name for f in Solution._meta.fields if f.name not in ("id",)]
    exclude = ["search_vector", "body_html"]
    inlines = [ReportInline, OutcomeInline]

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.readonly_fields if f not in ("search_vector", "body_html")]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Moderate"))
    def moderate(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:solutions_solution_moderate", args=[obj.pk]), _("Review")
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/moderate/", self.admin_site.admin_view(self.moderate_view), name="solutions_solution_moderate"
            ),
            *super().get_urls(),
        ]

    def moderate_view(self, request, pk: int):
        if not request.user.has_perm("solutions.moderate_solution"):
            raise PermissionDenied
        solution = get_object_or_404(Solution.objects.select_related("challenge", "author"), pk=pk)
        form = ModerationForm(request.POST or None, initial={"title": solution.title, "body": solution.body})
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                services.solution_moderate(
                    solution=solution,
                    user=request.user,
                    decision=d["decision"],
                    reason=d["reason"],
                    title=d["title"],
                    body=d["body"],
                )
            except ValidationError as exc:
                for msg in exc.messages:
                    form.add_error(None, msg)
            else:
                messages.success(request, _("Decision saved; the author is told the reason."))
                return redirect("admin:solutions_solution_changelist")
        return render(
            request,
            "admin/solutions/moderate.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Review a solution"),
                "obj": solution,
                "form": form,
                "reports": solution.reports.order_by("-created_at"),
                "revisions": solution.revisions.all(),
                "opts": self.model._meta,
            },
        )


class ModeratedPostAdmin(HardenedAdminMixin, admin.ModelAdmin):
    """A comment or an amendment in the moderation queue: read-only here; hide and restore go through the services."""

    actions = ["hide", "restore"]

    def moderate(self, obj, *, user, decision, reason) -> None:  # the service for this kind of post
        raise NotImplementedError

    def updated_message(self, n: int) -> str:
        raise NotImplementedError

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("solutions.moderate_solution")

    def _decide(self, request, queryset, decision):
        reason = request.POST.get("reason", "").strip() or str(
            _("It breaks the participation rules.")
            if decision == services.Decision.HIDE
            else _("Reviewed: it keeps the rules.")
        )
        n = 0
        for post in queryset:
            if decision == services.Decision.RESTORE and post.state == CommentState.VISIBLE:
                continue
            self.moderate(post, user=request.user, decision=decision, reason=reason)
            n += 1
        self.message_user(request, self.updated_message(n))


@admin.register(Comment)
class CommentAdmin(ModeratedPostAdmin):
    list_display = ["short", "solution", "state", "report_count", "created_at"]
    list_filter = ["state"]
    search_fields = ["body"]
    list_select_related = ["solution"]
    ordering = ["-report_count", "-created_at"]
    readonly_fields = [
        "solution",
        "parent",
        "author",
        "body",
        "state",
        "moderation_reason",
        "report_count",
        "created_at",
    ]
    exclude = ["body_html"]

    @admin.display(description=_("comment"))
    def short(self, obj):
        return obj.body[:80]

    def moderate(self, obj, *, user, decision, reason) -> None:
        services.comment_moderate(comment=obj, user=user, decision=decision, reason=reason)

    def updated_message(self, n: int) -> str:
        return _("%(n)d comments updated.") % {"n": n}

    @admin.action(description=_("Hide the selected comments"), permissions=["moderate"])
    def hide(self, request, queryset):
        self._decide(request, queryset, services.Decision.HIDE)

    @admin.action(description=_("Restore the selected comments"), permissions=["moderate"])
    def restore(self, request, queryset):
        self._decide(request, queryset, services.Decision.RESTORE)


@admin.register(Amendment)
class AmendmentAdmin(ModeratedPostAdmin):
    """Amendments in the moderation queue: reported ones first; hide and restore go through the services."""

    list_display = ["title", "solution", "status", "state", "report_count", "created_at"]
    list_filter = ["state", "status"]
    search_fields = ["title", "body"]
    list_select_related = ["solution"]
    ordering = ["-report_count", "-created_at"]
    readonly_fields = [
        "solution",
        "author",
        "title",
        "body",
        "reason",
        "base_title",
        "base_body",
        "status",
        "answer",
        "decided_by",
        "decided_at",
        "revision",
        "state",
        "moderation_reason",
        "report_count",
        "created_at",
    ]
    exclude = ["body_html", "notified_at", "answer_notified_at"]

    def moderate(self, obj, *, user, decision, reason) -> None:
        services.amendment_moderate(amendment=obj, user=user, decision=decision, reason=reason)

    def updated_message(self, n: int) -> str:
        return _("%(n)d amendments updated.") % {"n": n}

    @admin.action(description=_("Hide the selected amendments"), permissions=["moderate"])
    def hide(self, request, queryset):
        self._decide(request, queryset, services.Decision.HIDE)

    @admin.action(description=_("Restore the selected amendments"), permissions=["moderate"])
    def restore(self, request, queryset):
        self._decide(request, queryset, services.Decision.RESTORE)


@admin.register(Report)
class ReportAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["reason", "solution", "comment", "amendment", "created_at", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["solution", "comment", "amendment", "reason", "detail", "created_at", "resolved_at"]
    exclude = ["reporter_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
