"""Pages of the Commitments app: a partner's page, its widgets, its dashboard and the staff review."""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.csp import CSP
from django.utils.translation import get_language, gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from commitments import selectors, services
from commitments.forms import ChildForm, DomainForm, OriginForm, PageForm, ReviewForm, TokenForm
from commitments.models import EmbedOrigin, PartnerDomain
from heforshe.lib.access import staff_required
from heforshe.lib.forms import apply_errors
from heforshe.lib.ratelimit import retry_later
from partners.access import partner_member_required
from partners.models import PartnerMembership
from pledges import selectors as pledge_selectors
from pledges.abuse import form_started_token
from pledges.forms import PledgeForm
from pledges.views import submit_pledge_form

EMBED_SALT = "commitments.embed-form"
WIDGETS = ("counter", "map", "signup")
REVIEW_PERMISSION = "commitments.review_partnerdomain"


def _partner_or_404(slug: str):
    partner = selectors.active_partner(slug=slug)
    if partner is None:
        raise Http404
    return partner


def _submit(request, form, *, partner, source_code: str) -> tuple[int, int]:
    """The site's pledge form path, the pledge counted for this partner under this code."""
    return submit_pledge_form(request, form, partner_id=partner.pk, partner_code="", source_code=source_code)


def _page_context(partner) -> dict:
    page = selectors.page_of(partner)
    return {
        "partner": partner,
        "page": page,
        "figures": selectors.live_figures(partner=partner),
        "target": selectors.government_target(partner=partner),
        "numeric_codes": pledge_selectors.country_numeric_codes(),
        "tile_url": settings.MAP_TILE_URL,
        "poll_seconds": max(settings.PLEDGE_COUNT_CACHE_SECONDS, 3),
    }


# --- The partner's page -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def join(request, slug: str):
    partner = _partner_or_404(slug)
    status, retry_after = 200, 0
    if request.method == "POST":
        form = PledgeForm(request.POST)
        status, retry_after = _submit(request, form, partner=partner, source_code=request.POST.get("source", ""))
        if status == 0:
            return redirect("pledges:thanks")
        form.data = form.data.copy()
        form.data["started"] = form_started_token()
    else:
        from pledges.attribution import clean_source

        form = PledgeForm(
            initial={
                "source": clean_source(request.GET.get("source", "")[:200]),
                "ref": request.GET.get("ref", "")[:200].replace("\x00", ""),
                "started": form_started_token(),
            }
        )
    response = render(request, "commitments/join.html", {**_page_context(partner), "form": form}, status=status)
    return retry_later(response, retry_after)


# --- Widgets ---------------------------------------------------------------------------------

_LANGS = {code for code, _n in settings.LANGUAGES}


def _embed_language(request) -> str:
    lang = (request.GET.get("lang") or request.POST.get("lang") or "").lower()
    return lang if lang in _LANGS else settings.LANGUAGE_CODE


def _host_origin(request, partner) -> str:
    """The framing page's origin when it is one of the partner's approved sites, else ""."""
    raw = request.GET.get("host", "")[:200]
    try:
        origin = services.normalise_origin(raw) if raw else ""
    except ValidationError:
        return ""
    return origin if origin in selectors.approved_origins(partner_id=partner.pk) else ""


def _framable(response, partner):
    """Only the partner's approved sites (and this site, for the dashboard's preview) may frame this answer."""
    origins = selectors.approved_origins(partner_id=partner.pk)
    response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF, *origins]}
    if origins:
        response.xframe_options_exempt = True
    else:
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def source_for_host(origin: str) -> str:
    """The host page's origin as a source code: "embed-" and its host, in the letters source codes allow."""
    host = origin.split("://", 1)[-1]
    return ("embed-" + re.sub(r"[^a-z0-9_-]+", "-", host.lower())).strip("-")[:40]


def _embed_token(partner, host: str) -> str:
    return signing.dumps({"p": partner.pk, "t": time.time(), "h": host}, salt=EMBED_SALT)


def _read_embed_token(token: str, partner) -> dict | None:
    try:
        value = signing.loads(token or "", salt=EMBED_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("p") != partner.pk:
        return None
    return value


@require_GET
def embed_widget(request, slug: str, widget: str):
    if widget not in WIDGETS:
        raise Http404
    partner = _partner_or_404(slug)
    with translation.override(_embed_language(request)):
        host = _host_origin(request, partner)
        context = {**_page_context(partner), "widget": widget, "host": host, "lang": get_language()}
        if widget == "signup":
            context["form"] = PledgeForm(initial={"started": form_started_token()})
            context["embed_token"] = _embed_token(partner, host)
        response = render(request, f"commitments/embed_{widget}.html", context)
    return _framable(response, partner)


@csrf_exempt
@require_POST
def embed_signup_submit(request, slug: str):
    """The widget's form. A third-party iframe gets no SameSite=Lax cookie, so no CSRF cookie either:

    the form carries its own signed token (partner, time shown, host page) instead. Nothing here acts
    for a signed-in person, so there is no session to forge requests for; the pledge itself still
    waits for its double opt-in, and the honeypot, fill time and rate limits apply as on the site.
    """
    partner = _partner_or_404(slug)
    with translation.override(_embed_language(request)):
        token = _read_embed_token(request.POST.get("embed_token", ""), partner)
        form = PledgeForm(request.POST)
        host = (token or {}).get("h", "")
        if token is None:
            form.is_valid()
            form.add_error(None, gettext("This form has expired. Please reload it and try again."))
            status, retry_after = 400, 0
        else:
            # The fill time is measured from the signed token, not from a field the browser could change.
            data = request.POST.copy()
            data["started"] = signing.dumps(token["t"], salt="pledges.form-started")
            form = PledgeForm(data)
            status, retry_after = _submit(
                request, form, partner=partner, source_code=source_for_host(host) if host else ""
            )
        if status == 0:
            response = render(request, "commitments/embed_thanks.html", {"partner": partner, "host": host})
        else:
            context = {
                **_page_context(partner),
                "widget": "signup",
                "host": host,
                "form": form,
                "lang": get_language(),
                "embed_token": _embed_token(partner, host),
            }
            response = render(request, "commitments/embed_signup.html", context, status=status)
    return _framable(retry_later(response, retry_after), partner)


def _country_rows(counts: dict[str, int]) -> list[dict]:
    return [
        {"code": code, "name": str(countries.name(code)) or code, "count": n,
         "per_million_men": pledge_selectors.per_million(n, code)}
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]  # fmt: skip


@require_GET
def embed_stats(request, slug: str):
    """The live figures the page and widgets poll: the partner's (with its children), members, global."""
    partner = _partner_or_404(slug)
    ids, _children = selectors.family_ids(partner=partner)
    per_country: dict[str, int] = {}
    for summary in pledge_selectors.attribution_summary(partner_ids=ids).values():
        for code, n in summary["country"].items():
            per_country[code] = per_country.get(code, 0) + n
    with translation.override(_embed_language(request)):
        body = {**selectors.live_figures(partner=partner), "actions": 0, "countries": _country_rows(per_country)}
    response = JsonResponse(body)
    response["Cache-Control"] = "public, max-age=3"
    return response


def _map_query(request) -> tuple[int, tuple[float, float, float, float] | None]:
    try:
        zoom = int(request.GET.get("zoom", "2"))
        raw = request.GET.get("bbox", "")
        bbox = tuple(float(v) for v in raw.split(",")) if raw else None
    except ValueError:
        raise ValidationError("bad query") from None
    if not 0 <= zoom <= 18 or (bbox is not None and len(bbox) != 4):
        raise ValidationError("bad query")
    if bbox and not (-180 <= bbox[0] <= 180 and -180 <= bbox[2] <= 180 and -90 <= bbox[1] <= bbox[3] <= 90):
        raise ValidationError("bad query")
    return zoom, bbox


@require_GET
def embed_cells(request, slug: str):
    """The partner's map cells, by the global map's rules (pledges.selectors.map_cells with a partner filter)."""
    partner = _partner_or_404(slug)
    try:
        zoom, bbox = _map_query(request)
    except ValidationError:
        return JsonResponse({"detail": gettext("Give zoom as 0 to 18 and bbox as west,south,east,north.")}, status=400)
    ids, _children = selectors.family_ids(partner=partner)
    result = dict(pledge_selectors.map_cells(zoom=zoom, bbox=bbox, partner_ids=tuple(ids)))
    result.pop("etag", None)
    response = JsonResponse(result, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=10"
    return response


# --- The dashboard ------------------------------------------------------------------------------------


def _is_admin(request) -> bool:
    return request.membership.role == PartnerMembership.Role.ADMIN


def _dashboard_context(request, **forms) -> dict:
    partner = request.membership.partner
    origin = settings.SITE_URL
    page = selectors.page_of(partner)
    return {
        "partner": partner,
        "is_admin": _is_admin(request),
        "figures": selectors.dashboard(partner=partner),
        "page": page,
        "domains": selectors.domains_of(partner=partner),
        "origins": selectors.origins_of(partner=partner),
        "tokens": selectors.tokens_of(partner=partner),
        "join_url": origin + reverse("commitments:join", args=[partner.slug]),
        "site_origin": origin,
        "widgets": WIDGETS,
        "page_form": forms.get("page_form") or _page_form(partner, page),
        "domain_form": forms.get("domain_form") or DomainForm(),
        "origin_form": forms.get("origin_form") or OriginForm(),
        "token_form": forms.get("token_form") or TokenForm(),
        "child_form": forms.get("child_form") or ChildForm(initial={"language": get_language()}),
        "new_token": forms.get("new_token"),
    }


def _page_form(partner, page=None) -> PageForm:
    page = page or selectors.page_of(partner)
    initial = {"colour": page.colour} | {f"message_{k}": v for k, v in (page.messages or {}).items()}
    return PageForm(initial=initial)


@require_GET
@partner_member_required()
def dashboard(request):
    return render(request, "commitments/dashboard.html", _dashboard_context(request))


def _admin_post(request, form_class, name: str, action):
    """Run `action(form)` for a valid form; on a refusal, the dashboard again with the errors (400)."""
    form = form_class(request.POST)
    if form.is_valid():
        try:
            result = action(form)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if isinstance(result, dict):
                return render(request, "commitments/dashboard.html", _dashboard_context(request, **result))
            return redirect(reverse("commitments:dashboard") + f"#{name}")
    return render(request, "commitments/dashboard.html", _dashboard_context(request, **{name: form}), status=400)


@require_POST
@partner_member_required(admin_only=True)
def page_edit(request):
    partner = request.membership.partner

    def save(form):
        services.page_save(
            partner=partner, colour=form.cleaned_data["colour"], messages=form.messages(), actor=request.user
        )
        messages.success(request, gettext("Your Commitments page is updated."))

    return _admin_post(request, PageForm, "page_form", save)


@require_POST
@partner_member_required(admin_only=True)
def domain_add(request):
    partner = request.membership.partner

    def add(form):
        services.domain_request(partner=partner, domain=form.cleaned_data["domain"], actor=request.user)
        messages.success(request, gettext("Domain listed. It counts once Partnerships staff approve it."))

    return _admin_post(request, DomainForm, "domain_form", add)


@require_POST
@partner_member_required(admin_only=True)
def domain_remove(request, pk: int):
    if not services.domain_remove(partner=request.membership.partner, domain_id=pk, actor=request.user):
        raise Http404
    return redirect(reverse("commitments:dashboard") + "#domains")


@require_POST
@partner_member_required(admin_only=True)
def origin_add(request):
    partner = request.membership.partner

    def add(form):
        services.origin_request(partner=partner, origin=form.cleaned_data["origin"], actor=request.user)
        messages.success(request, gettext("Site listed. Widgets show there once Partnerships staff approve it."))

    return _admin_post(request, OriginForm, "origin_form", add)


@require_POST
@partner_member_required(admin_only=True)
def origin_remove(request, pk: int):
    if not services.origin_remove(partner=request.membership.partner, origin_id=pk, actor=request.user):
        raise Http404
    selectors.forget_origins(partner_id=request.membership.partner_id)
    return redirect(reverse("commitments:dashboard") + "#widgets")


@require_POST
@partner_member_required(admin_only=True)
def token_create(request):
    partner = request.membership.partner

    def create(form):
        _token, raw = services.token_create(partner=partner, name=form.cleaned_data["name"], actor=request.user)
        return {"new_token": raw}

    response = _admin_post(request, TokenForm, "token_form", create)
    response["Cache-Control"] = "no-store"  # the one page that shows the secret
    return response


@require_POST
@partner_member_required(admin_only=True)
def token_revoke(request, pk: int):
    if not selectors.tokens_of(partner=request.membership.partner, pk=pk):
        raise Http404
    if services.token_revoke(partner=request.membership.partner, token_id=pk, actor=request.user):
        messages.success(request, gettext("Token revoked: it no longer works."))
    return redirect(reverse("commitments:dashboard") + "#tokens")


@require_POST
@partner_member_required(admin_only=True)
def child_invite(request):
    partner = request.membership.partner
    if partner.parent_id:
        raise PermissionDenied  # one level: a partner's partner does not invite its own

    def invite(form):
        data = form.cleaned_data
        services.child_invite(
            parent=partner, name=data["name"], sector=data["sector"], email=data["email"],
            language=data["language"], actor=request.user,
        )  # fmt: skip
        messages.success(request, gettext("Organisation added and its admin invited."))

    return _admin_post(request, ChildForm, "child_form", invite)


# --- Partnerships staff -------------------------------------------------------------------------------


@require_GET
@staff_required(REVIEW_PERMISSION)
def staff(request):
    return render(
        request,
        "commitments/staff.html",
        {"reviews": selectors.pending_reviews(), "rows": selectors.staff_attribution(), "form": ReviewForm()},
    )


def _review(request, model, pk: int, review):
    obj = get_object_or_404(model, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose to approve or refuse."))
        return redirect("commitments:staff")
    review(obj.pk, form.cleaned_data["decision"] == "approve")
    return redirect("commitments:staff")


@require_POST
@staff_required(REVIEW_PERMISSION)
def staff_domain_review(request, pk: int):
    return _review(
        request, PartnerDomain, pk, lambda i, ok: services.domain_review(domain_id=i, approve=ok, actor=request.user)
    )


@require_POST
@staff_required(REVIEW_PERMISSION)
def staff_origin_review(request, pk: int):
    def review(i, ok):
        site = services.origin_review(origin_id=i, approve=ok, actor=request.user)
        selectors.forget_origins(partner_id=site.partner_id)

    return _review(request, EmbedOrigin, pk, review)
