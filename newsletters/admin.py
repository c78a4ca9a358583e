"""Newsletters in the admin: write per language, see who it reaches, preview, test, schedule, send.

Sending and scheduling need `newsletters.send_newsletter` (the Communications role); every step
writes an audit entry through the services.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from heforshe.lib.admin import HardenedAdminMixin
from newsletters import segments, services
from newsletters.html import clean_body
from newsletters.models import Delivery, Newsletter, NewsletterTranslation, StaffDigest, Suppression


class TranslationForm(forms.ModelForm):
    class Meta:
        model = NewsletterTranslation
        fields = ["language", "subject", "preheader", "body"]

    def clean_body(self):
        return clean_body(self.cleaned_data["body"])


class TranslationInline(admin.StackedInline):
    model = NewsletterTranslation
    form = TranslationForm
    extra = 1

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.status == Newsletter.Status.DRAFT)


class NewsletterForm(forms.ModelForm):
    class Meta:
        model = Newsletter
        fields = [
            "name", "topic", "countries", "languages", "partners", "ladder_level", "pledged_from", "pledged_until",
        ]  # fmt: skip

    # The event-registrant segments (newsletters.segments.register_event_segments), stored in extra_segments.
    registered_events = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Registered for these events"),
        help_text=_("Only registrants who also opted into the newsletter; leave empty for no event filter."),
    )  # fmt: skip
    registered_with_partners = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Registered for an event of these partners")
    )

    def __init__(self, *args, **kwargs):
        from events.selectors import events_for_segment
        from partners.models import Partner

        super().__init__(*args, **kwargs)
        extra = self.instance.extra_segments or {}
        self.fields["registered_events"].queryset = events_for_segment()
        self.fields["registered_events"].initial = extra.get("events") or []
        self.fields["registered_with_partners"].queryset = Partner.objects.order_by("name")
        self.fields["registered_with_partners"].initial = extra.get("event_partners") or []

    def save(self, commit=True):
        extra = dict(self.instance.extra_segments or {})
        for key, field in (("events", "registered_events"), ("event_partners", "registered_with_partners")):
            chosen = sorted(obj.pk for obj in self.cleaned_data.get(field) or [])
            if chosen:
                extra[key] = chosen
            else:
                extra.pop(key, None)
        self.instance.extra_segments = extra
        return super().save(commit)

    def clean_countries(self):
        value = self.cleaned_data["countries"] or []
        if not isinstance(value, list) or not all(isinstance(c, str) and len(c) == 2 for c in value):
            raise ValidationError(_('Give a list of two-letter country codes, e.g. ["KE", "FR"].'))
        return [c.upper() for c in value]

    def clean_languages(self):
        from django.conf import settings

        value = self.cleaned_data["languages"] or []
        codes = dict(settings.LANGUAGES)
        if not isinstance(value, list) or not all(c in codes for c in value):
            raise ValidationError(_('Give a list of language codes, e.g. ["fr", "ar"].'))
        return value


class ScheduleForm(forms.Form):
    when = forms.DateTimeField(label=_("Send at (UTC)"), help_text="2026-12-24 09:00")


@admin.register(Newsletter)
class NewsletterAdmin(HardenedAdminMixin, admin.ModelAdmin):
    form = NewsletterForm
    inlines = [TranslationInline]
    list_display = ["name", "topic", "status", "scheduled_for", "recipient_count", "started_at", "finished_at"]
    list_filter = ["status", "topic"]
    search_fields = ["name"]
    autocomplete_fields = ["partners"]
    readonly_fields = ["status", "scheduled_for", "recipient_count", "segment_summary", "delivery_summary"]
    change_form_template = "admin/newsletters/newsletter/change_form.html"

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.status == Newsletter.Status.DRAFT)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == Newsletter.Status.DRAFT)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("Recipients now"))
    def segment_summary(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        info = segments.count(obj)
        parts = ", ".join(f"{code}: {n}" for code, n in sorted(info["by_language"].items())) or "-"
        return format_html(
            "<strong>{}</strong> ({}) · {} {}", info["total"], parts, info["no_translation"], _("without a language")
        )

    @admin.display(description=_("Deliveries"))
    def delivery_summary(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        counts = services.delivery_counts(newsletter_id=obj.pk)
        return ", ".join(f"{Delivery.Status(k).label}: {v}" for k, v in sorted(counts.items())) or "-"

    def get_urls(self):
        own = [
            path(
                "<int:pk>/preview/<str:language>/", self.admin_site.admin_view(self.preview), name="newsletters_preview"
            ),
            path("<int:pk>/do/<str:what>/", self.admin_site.admin_view(self.do), name="newsletters_do"),
        ]
        return own + super().get_urls()

    def _newsletter(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Newsletter, pk=pk)

    def preview(self, request, pk, language):
        newsletter = self._newsletter(request, pk)
        try:
            subject, text, html = services.render_preview(newsletter=newsletter, language=language)
        except ValidationError as exc:
            raise Http404 from exc
        if request.GET.get("format") == "text":
            response = HttpResponse(f"{subject}\n\n{text}", content_type="text/plain; charset=utf-8")
        else:
            response = HttpResponse(html, content_type="text/html; charset=utf-8")
            # The letter's own markup, shown as a document with nothing able to run.
            response["Content-Security-Policy"] = (
                "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src https:"
            )
        return response

    def do(self, request, pk, what):
        newsletter = self._newsletter(request, pk)
        if request.method != "POST":
            return redirect(reverse("admin:newsletters_newsletter_change", args=[pk]))
        if not request.user.has_perm("newsletters.send_newsletter"):
            raise PermissionDenied
        try:
            if what == "test":
                n = services.newsletter_send_test(newsletter=newsletter, user=request.user)
                self.message_user(
                    request, _("%(n)d test emails sent to %(email)s.") % {"n": n, "email": request.user.email}
                )
            elif what == "schedule":
                form = ScheduleForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors["when"])
                services.newsletter_schedule(newsletter_id=pk, when=form.cleaned_data["when"], user=request.user)
                self.message_user(request, _("Scheduled."))
            elif what == "send":
                if services.newsletter_start(newsletter_id=pk, user=request.user):
                    self.message_user(request, _("Sending has started."))
                else:
                    self.message_user(
                        request, _("This newsletter is already being sent or was sent."), messages.WARNING
                    )
            elif what == "cancel":
                if services.newsletter_cancel(newsletter_id=pk, user=request.user):
                    self.message_user(request, _("Cancelled; nobody else will get it."))
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
        return redirect(reverse("admin:newsletters_newsletter_change", args=[pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"schedule_form": ScheduleForm(initial={"when": timezone.now() + dt.timedelta(hours=1)})}
        extra["can_send"] = request.user.has_perm("newsletters.send_newsletter")
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})


@admin.register(Delivery)
class DeliveryAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["newsletter", "email", "language", "status", "sent_at", "error"]
    list_filter = ["status", "newsletter"]
    search_fields = ["=email"]
    list_select_related = ["newsletter"]
    show_full_result_count = False
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Suppression)
class SuppressionAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["email_canonical", "email_domain", "reason", "source", "created_at"]
    list_filter = ["reason", "source"]
    search_fields = ["=email_canonical", "=email_domain"]
    readonly_fields = [f.name for f in Suppression._meta.fields]
    change_list_template = "admin/newsletters/suppression/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.suppression_remove(suppression_id=obj.pk, user=request.user)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.suppression_remove(suppression_id=pk, user=request.user)

    def changelist_view(self, request, extra_context=None):
        extra = {"domains": services.suppression_counts_by_domain()}
        return super().changelist_view(request, {**extra, **(extra_context or {})})


@admin.register(StaffDigest)
class StaffDigestAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "language", "enabled", "last_sent_on"]
    list_filter = ["enabled", "language"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["last_sent_on"]
