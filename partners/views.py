"""Pages of the partners app. Thin: access checks, forms, then a service or selector."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from heforshe.lib.access import staff_required
from heforshe.lib.csv import csv_response
from heforshe.lib.downloads import serve_upload
from heforshe.lib.forms import apply_errors
from heforshe.lib.invitations import AcceptPage, accept_view
from heforshe.lib.panels import render_panels
from partners import selectors, services
from partners.access import partner_member_required
from partners.forms import (
    CommitmentForm,
    EvidenceForm,
    FrameworkAdoptForm,
    InviteForm,
    NewReportForm,
    ReportForm,
    ReviewForm,
    SignupTargetForm,
)
from partners.frameworks import framework_for
from partners.models import Commitment, PartnerInvitation, PartnerMembership, ProgressReport, ReportEvidence

# --- Public ------------------------------------------------------------------------------


@require_GET
def index(request):
    return render(request, "partners/index.html", {"groups": selectors.champions_by_sector()})


@require_GET
def detail(request, slug: str):
    partner = selectors.partner_public(slug=slug)
    if partner is None:
        raise Http404
    context = {
        "partner": partner,
        "report": partner.latest_report,
        "target": selectors.government_target(partner=partner),
        "panels": render_panels("partner", request=request, partner=partner),
    }
    return render(request, "partners/detail.html", context)


# --- Dashboard -----------------------------------------------------------------------------


@require_GET
@partner_member_required(staff_redirect="partners:staff_overview")
def dashboard(request):
    membership = request.membership
    partner = membership.partner
    is_admin = membership.role == PartnerMembership.Role.ADMIN
    commitments = list(selectors.partner_commitments(partner=partner))
    adopted = {c.framework_code for c in commitments}
    available = [a for a in framework_for(partner.sector) if a.code not in adopted]
    members, pending = selectors.partner_team(partner=partner)
    link = selectors.referral_url(partner=partner)
    chart = selectors.partner_signup_chart(partner=partner)
    today = timezone.localdate()
    reports = list(selectors.partner_reports(partner=partner))
    for report in reports:
        report.overdue = report.is_overdue(today)
    to_complete = sorted((r for r in reports if r.is_open), key=lambda r: r.due_date)
    context = {
        "partner": partner,
        "membership": membership,
        "is_admin": is_admin,
        "commitments": commitments,
        "framework_form": FrameworkAdoptForm(available=available) if available and is_admin else None,
        "framework_available": available,
        "target_form": SignupTargetForm(initial={"signup_target": partner.signup_target}),
        "new_report_form": NewReportForm(),
        "invite_form": InviteForm(),
        "members": members,
        "pending": pending,
        "reports": reports,
        "to_complete": to_complete,
        "referral_url": link,
        "qr": selectors.referral_qr(partner=partner, title=gettext("QR code of your referral link")),
        "chart": chart,
        "signup_percent": selectors.percent(chart.total, partner.signup_target),
        # Other apps' parts of the dashboard (the partner's events, for one).
        "panels": render_panels("partner_dashboard", request=request, partner=partner),
    }
    return render(request, "partners/dashboard.html", context)


@require_POST
@partner_member_required(admin_only=True)
def set_target(request):
    form = SignupTargetForm(request.POST)
    if form.is_valid():
        services.partner_set_signup_target(
            partner=request.membership.partner, target=form.cleaned_data["signup_target"]
        )
        messages.success(request, gettext("Your sign-up target is saved."))
        return redirect("partners:dashboard")
    return render(
        request,
        "partners/form_page.html",
        {
            "form": form,
            "title": gettext("Sign-up target"),
            "action": reverse("partners:set_target"),
        },
        status=400,
    )


@require_POST
@partner_member_required(admin_only=True)
def adopt_framework(request):
    partner = request.membership.partner
    adopted = set(partner.commitments.values_list("framework_code", flat=True))
    available = [a for a in framework_for(partner.sector) if a.code not in adopted]
    form = FrameworkAdoptForm(request.POST, available=available)
    if form.is_valid():
        created = services.commitments_adopt_framework(partner=partner, codes=form.cleaned_data["actions"])
        n = len(created)
        message = ngettext(
            "%(n)s commitment added from your sector's framework.",
            "%(n)s commitments added from your sector's framework.",
            n,
        )
        messages.success(request, message % {"n": n})
        return redirect("partners:dashboard")
    messages.error(request, gettext("Choose at least one framework action."))
    return redirect("partners:dashboard")


@require_http_methods(["GET", "POST"])
@partner_member_required(admin_only=True)
def commitment_edit(request, pk: int | None = None):
    partner = request.membership.partner
    commitment = get_object_or_404(Commitment, pk=pk, partner=partner) if pk else None
    form = CommitmentForm(request.POST or None, instance=commitment)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.COMMITMENT_FIELDS}
        try:
            if commitment:
                services.commitment_update(commitment=commitment, **fields)
            else:
                services.commitment_create(partner=partner, **fields)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, gettext("The commitment is saved."))
            return redirect("partners:dashboard")
    return render(
        request,
        "partners/commitment_form.html",
        {"form": form, "commitment": commitment, "partner": partner},
        status=400 if form.errors else 200,
    )


@require_POST
@partner_member_required(admin_only=True)
def report_new(request):
    form = NewReportForm(request.POST)
    if form.is_valid():
        try:
            report = services.report_create(
                partner=request.membership.partner, quarter=form.cleaned_data["period"], actor=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("partners:report", pk=report.pk)
    return render(
        request,
        "partners/form_page.html",
        {
            "form": form,
            "title": gettext("Start a progress report"),
            "action": reverse("partners:report_new"),
        },
        status=400,
    )


@require_http_methods(["GET", "POST"])
@partner_member_required()
def report(request, pk: int):
    report = selectors.report_for_member(user=request.user, pk=pk)
    if report is None:
        raise Http404
    is_admin = request.membership.role == PartnerMembership.Role.ADMIN
    commitments = list(selectors.partner_commitments(partner=report.partner))
    editable = is_admin and report.is_open
    # Sign-up commitments start from the live count of pledges through the referral link.
    signups = selectors.partner_signups(partner_id=report.partner_id, fresh=True) if editable else None
    form = ReportForm(request.POST or None, report=report, commitments=commitments, signups=signups)
    evidence_form = EvidenceForm()
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.report_update(
                    report_id=report.pk,
                    actor=request.user,
                    narrative=form.cleaned_data["narrative"],
                    values=form.values(),
                )
                if "submit" in request.POST:
                    services.report_transition(
                        report_id=report.pk, action=services.Transition.SUBMIT, actor=request.user
                    )
                    messages.success(
                        request, gettext("Your report is submitted. The Partnerships team will review it.")
                    )
                    return redirect("partners:dashboard")
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, gettext("Your report is saved as a draft."))
                return redirect("partners:report", pk=report.pk)
    context = {
        "report": report,
        "partner": report.partner,
        "form": form,
        "evidence_form": evidence_form,
        "evidence": report.evidence.all(),
        "events": report.events.select_related("actor"),
        "editable": editable,
        "overdue": report.is_overdue(),
    }
    return render(request, "partners/report.html", context, status=400 if form.errors else 200)


@require_POST
@partner_member_required(admin_only=True)
def evidence_add(request, pk: int):
    report = selectors.report_for_member(user=request.user, pk=pk)
    if report is None:
        raise Http404
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.report_add_evidence(report_id=report.pk, actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            apply_errors(form, exc)
    if form.errors:
        return render(
            request,
            "partners/form_page.html",
            {
                "form": form,
                "title": gettext("Add evidence"),
                "action": reverse("partners:evidence_add", args=[pk]),
                "multipart": True,
                "back": reverse("partners:report", args=[pk]),
            },
            status=400,
        )
    messages.success(request, gettext("The file is attached to your report."))
    return redirect("partners:report", pk=report.pk)


@require_POST
@partner_member_required(admin_only=True)
def evidence_remove(request, pk: int, evidence_id: int):
    report = selectors.report_for_member(user=request.user, pk=pk)
    if report is None or not report.evidence.filter(pk=evidence_id).exists():
        raise Http404
    try:
        services.report_remove_evidence(evidence_id=evidence_id, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("partners:report", pk=report.pk)


@require_GET
@login_required
def evidence_download(request, evidence_id: int):
    """Evidence is private: members of the partner and Partnerships staff only."""
    evidence = get_object_or_404(ReportEvidence.objects.select_related("report"), pk=evidence_id)
    partner = selectors.partner_for_user(user=request.user)
    allowed = (partner and partner.pk == evidence.report.partner_id) or services.can_review_reports(request.user)
    if not allowed:
        raise Http404
    return serve_upload(evidence.file, name=evidence.original_name, default_stem=f"evidence-{evidence.pk}")


@require_POST
@partner_member_required(admin_only=True)
def invite(request):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(partner=request.membership.partner, invited_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, gettext("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("partners:dashboard")
    return render(
        request,
        "partners/form_page.html",
        {
            "form": form,
            "title": gettext("Invite a colleague"),
            "action": reverse("partners:invite"),
            "back": reverse("partners:dashboard"),
        },
        status=400,
    )


@require_POST
@partner_member_required(admin_only=True)
def invitation_revoke(request, pk: int):
    invitation = get_object_or_404(PartnerInvitation, pk=pk, partner=request.membership.partner)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, gettext("The invitation to %(email)s is withdrawn.") % {"email": invitation.email})
    return redirect("partners:dashboard")


@require_GET
@partner_member_required()
def qr_download(request):
    partner = request.membership.partner
    response = HttpResponse(selectors.referral_qr(partner=partner), content_type="image/svg+xml")
    response["Content-Disposition"] = content_disposition_header(True, f"heforshe-{partner.slug}-qr.svg")
    return response


# --- Invitations ---------------------------------------------------------------------------


invitation = accept_view(
    AcceptPage(
        flow=services.INVITATION_FLOW,
        template="partners/invitation.html",
        accept=lambda invitation, user: services.invitation_accept(invitation=invitation, user=user),
        welcome=lambda invitation: (
            gettext("Welcome! You now act for %(partner)s.") % {"partner": invitation.partner.name}
        ),
        done_url="partners:dashboard",
    )
)


# --- Partnerships staff ------------------------------------------------------------------------


@require_GET
@staff_required("partners.view_programme_overview")
def staff_overview(request):
    return render(request, "partners/staff_overview.html", selectors.programme_overview())


@require_GET
@staff_required("partners.view_programme_overview")
def staff_export(request):
    header, rows = selectors.programme_export()
    return csv_response("impact-10x10x10.csv", header, rows)


@require_http_methods(["GET", "POST"])
@staff_required("partners.review_progressreport")
def staff_report(request, pk: int):
    report = get_object_or_404(ProgressReport.objects.select_related("partner", "submitted_by", "reviewed_by"), pk=pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = (
            services.Transition.APPROVE if form.cleaned_data["decision"] == "approve" else services.Transition.RETURN
        )
        try:
            services.report_transition(
                report_id=report.pk, action=action, actor=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                gettext("The report is %(status)s.")
                % {"status": ProgressReport.objects.get(pk=pk).get_status_display().lower()},
            )
            return redirect("partners:staff_overview")
    return render(
        request,
        "partners/staff_report.html",
        {
            "report": report,
            "partner": report.partner,
            "form": form,
            "values": report.values.select_related("commitment").order_by("commitment__position"),
            "evidence": report.evidence.all(),
            "events": report.events.select_related("actor"),
            "can_decide": report.status == "submitted",
            "language": get_language(),
        },
        status=400 if form.errors else 200,
    )
