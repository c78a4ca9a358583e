"""Pledge pages: thin views over pledges.services and pledges.selectors."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import JavaScriptCatalog

from heforshe.lib.forms import apply_errors
from heforshe.lib.net import client_ip
from heforshe.lib.ratelimit import retry_later
from pledges import services, tokens
from pledges.abuse import RateLimited, filled_too_fast, form_started_token
from pledges.forms import ActionForm, EraseForm, PledgeForm, PrivacyRequestForm
from pledges.models import Level, Pillar, Pledge
from pledges.selectors import (
    PLEDGER_SESSION_KEY,
    action_catalogue,
    country_numeric_codes,
    ladder_for,
    pledge_for_ladder,
    pledge_for_user,
    pledge_stats,
)

SESSION_KEY = PLEDGER_SESSION_KEY


def submit_pledge_form(request, form, **attribution) -> tuple[int, int]:
    """Validate the pledge form and store the pledge: (status, retry_after), status 0 when stored.

    The one path of every page that shows the pledge form (this site's, a partner's page, its widget):
    the honeypot and fill time first, then the service, its refusals put on the form.
    """
    if not form.is_valid():
        return 400, 0
    data = form.cleaned_data
    if data["website"] or filled_too_fast(data["started"]):
        form.add_error(None, _("That was faster than a person can fill the form. Please check it and send it again."))
        return 400, 0
    attribution = {"source_code": data["source"], **attribution}
    try:
        services.pledge_submit(
            data=services.pledge_input(
                data,
                language=get_language(),
                source=Pledge.Source.WEB,
                referral=data["ref"],
                browser_position=form.browser_position(),
                **attribution,
            ),
            ip=client_ip(request),
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return 400, 0
    except RateLimited as exc:
        form.add_error(None, _("Too many pledges came from your network just now. Please try again in a few minutes."))
        return 429, exc.retry_after
    return 0, 0


@require_http_methods(["GET", "POST"])
def pledge(request):
    from partners.selectors import partner_by_referral_code

    status = 200
    retry_after = 0
    if request.method == "POST":
        form = PledgeForm(request.POST)
        status, retry_after = submit_pledge_form(request, form)
        if status == 0:
            return redirect("pledges:thanks")
        # A fresh start time: the next attempt is measured from now.
        form.data = form.data.copy()
        form.data["started"] = form_started_token()
    else:
        form = PledgeForm(initial=pledge_link_initial(request))
    # The code as validated (a sent one) or as given in the link; a NUL would only fail in PostgreSQL.
    partner_code = form.cleaned_data.get("partner", "") if form.is_bound else form.initial["partner"]
    partner = partner_by_referral_code(code=partner_code) if partner_code and "\x00" not in partner_code else None
    response = render(request, "pledges/pledge.html", {"form": form, "partner": partner}, status=status)
    return retry_later(response, retry_after)


def pledge_link_initial(request, **extra) -> dict:
    """The form's hidden fields from the link: partner code, ?source= (dropped when malformed), ?ref=."""
    from pledges.attribution import clean_source

    return {
        "partner": request.GET.get("partner", "")[:16],
        "source": clean_source(request.GET.get("source", "")[:200]),
        "ref": request.GET.get("ref", "")[:200].replace("\x00", ""),
        "started": form_started_token(),
        **extra,
    }


@require_GET
def pledge_thanks(request):
    minutes = max(1, round(settings.PLEDGE_RESEND_INTERVAL.total_seconds() / 60))
    return render(request, "pledges/thanks.html", {"resend_minutes": minutes})


def _sign_in(request, pledge_id: int) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = pledge_id


def current_pledge(request) -> Pledge | None:
    return pledge_for_ladder(pledge_id=request.session.get(SESSION_KEY)) or pledge_for_user(user=request.user)


@require_http_methods(["GET", "POST"])
def pledge_confirm_page(request, token: str):
    """GET only shows a button (mail scanners follow links); the POST confirms."""
    pledge_id = tokens.read(tokens.CONFIRM, token)
    pledge = Pledge.objects.filter(pk=pledge_id).first() if pledge_id else None
    if pledge is not None and pledge.erased_at is not None:
        # The pledger asked for erasure: there is no pledge behind this link any more, nor a page to open.
        return render(request, "pledges/confirm.html", {"erased": True}, status=410)
    if pledge is None or pledge.status in (Pledge.Status.INVALIDATED, Pledge.Status.EXPIRED):
        return render(request, "pledges/confirm.html", {"invalid": True}, status=404 if pledge_id is None else 410)
    if request.method == "POST":
        services.pledge_confirm(pledge_id=pledge.pk)
        _sign_in(request, pledge.pk)
        messages.success(request, _("Thank you: your pledge is confirmed and counted."))
        return redirect(reverse("pledges:me") + "?welcome=1")
    return render(request, "pledges/confirm.html", {"pledge": pledge})


@require_http_methods(["GET", "POST"])
def sign_in(request, token: str):
    pledge_id = tokens.read(tokens.SIGN_IN, token)
    pledge = pledge_for_ladder(pledge_id=pledge_id)
    if pledge is None:
        return render(request, "pledges/sign_in.html", {"invalid": True}, status=404)
    if request.method == "POST":
        _sign_in(request, pledge.pk)
        return redirect("pledges:me")
    return render(request, "pledges/sign_in.html", {"pledge": pledge})


@require_http_methods(["GET", "POST"])
def me(request):
    pledge = current_pledge(request)
    if pledge is None:
        return render(request, "pledges/me_signed_out.html", status=200)
    form = ActionForm()
    status = 200
    recorded_now = None
    if request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                recorded_now = services.action_record(
                    pledge_id=pledge.pk,
                    action_id=data.get("action"),
                    custom_text=data.get("custom_text", ""),
                    pillar=data.get("pillar", ""),
                    level=data.get("level", ""),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Recorded. Thank you for acting."))
                return redirect(reverse("pledges:me") + f"?shared={recorded_now.pk}")
        else:
            status = 400
    recorded = ladder_for(pledge=pledge)
    done_ids = {r.action_id for r in recorded if r.action_id}
    catalogue = action_catalogue()
    pillars = []
    for key, label in Pillar.choices:
        levels = []
        for level_key, level_label in Level.choices:
            items = [a for a in catalogue if a.pillar == key and a.level == level_key]
            if items:
                levels.append({"key": level_key, "label": level_label, "actions": items})
        pillars.append({"key": key, "label": label, "levels": levels})
    reached = {r.level for r in recorded}
    ladder = [
        {"key": k, "label": label, "reached": k in reached, "count": sum(1 for r in recorded if r.level == k)}
        for k, label in Level.choices
    ]
    from pledges.attribution import share_token
    from pledges.selectors import referral_reach

    share_url = settings.SITE_URL + reverse("pledges:pledge") + "?ref=" + share_token(pledge.pk)
    return render(
        request,
        "pledges/me.html",
        {
            "pledge": pledge,
            "form": form,
            "pillars": pillars,
            "done_ids": done_ids,
            "recorded": recorded,
            "ladder": ladder,
            "welcome": "welcome" in request.GET,
            "shared": "shared" in request.GET,
            "share_url": share_url,
            "reach": referral_reach(pledge_id=pledge.pk),
            "erase_form": EraseForm(),
        },
        status=status,
    )


def _export_response(pledge_id: int) -> HttpResponse:
    data = services.pledge_export(pledge_id=pledge_id)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="heforshe-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def me_export(request):
    pledge = current_pledge(request)
    if pledge is None:
        return redirect("pledges:me")
    return _export_response(pledge.pk)


@require_POST
def me_erase(request):
    pledge = current_pledge(request)
    if pledge is None:
        return redirect("pledges:me")
    form = EraseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm."))
        return redirect("pledges:me")
    services.pledge_erase(pledge_id=pledge.pk)
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request, _("Your personal data is erased. Your pledge still counts, anonymously, in your country.")
    )
    return redirect("home")


@require_POST
def me_sign_out(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("home")


@require_http_methods(["GET", "POST"])
def privacy_request(request):
    form = PrivacyRequestForm(request.POST or None)
    sent = False
    status = 200
    retry_after = 0
    if request.method == "POST":
        if form.is_valid():
            try:
                services.pledge_request_privacy_link(email=form.cleaned_data["email"], ip=client_ip(request))
            except RateLimited as exc:
                form.add_error(
                    None, _("Too many requests came from your network just now. Please try again in a few minutes.")
                )
                status, retry_after = 429, exc.retry_after
            else:
                sent = True
        else:
            status = 400
    response = render(request, "pledges/privacy_request.html", {"form": form, "sent": sent}, status=status)
    return retry_later(response, retry_after)


@require_http_methods(["GET", "POST"])
def privacy_manage(request, token: str):
    """The emailed privacy link: export, erase or sign in, each by a POST."""
    pledge_id = tokens.read(tokens.PRIVACY, token)
    pledge = Pledge.objects.filter(pk=pledge_id, erased_at__isnull=True).first() if pledge_id else None
    if pledge is None:
        return render(request, "pledges/privacy_manage.html", {"invalid": True}, status=404)
    form = EraseForm()
    if request.method == "POST":
        what = request.POST.get("do")
        if what == "export":
            return _export_response(pledge.pk)
        if what == "erase":
            form = EraseForm(request.POST)
            if form.is_valid():
                services.pledge_erase(pledge_id=pledge.pk)
                request.session.pop(SESSION_KEY, None)
                messages.success(
                    request, _("Your personal data is erased. Your pledge still counts, anonymously, in your country.")
                )
                return redirect("home")
        if what == "sign_in" and pledge.status == Pledge.Status.CONFIRMED:
            _sign_in(request, pledge.pk)
            return redirect("pledges:me")
    return render(request, "pledges/privacy_manage.html", {"pledge": pledge, "erase_form": form})


# Strings the map's script needs in every plural form; served by map_catalogue.
MAP_PLURALS = (
    ngettext_lazy("%(count)s pledge", "%(count)s pledges", "count"),
    ngettext_lazy("%(count)s pledge in this area", "%(count)s pledges in this area", "count"),
)


class MapCatalogue(JavaScriptCatalog):
    domain = "django"
    packages = ["pledges"]

    def get_catalog(self):
        # Only the map's own strings, from the pledges catalogue alone: Django's loop would
        # also merge every fallback translation (half a megabyte), and stops on the catalogue-less
        # translator django-countries chains onto the shared translations.
        wanted = {"%(count)s pledge", "%(count)s pledge in this area"}  # the singulars of MAP_PLURALS
        forms: dict = {}
        for key, value in getattr(self.translation, "_catalog", {}).items():
            if isinstance(key, tuple) and key[0] in wanted:
                forms.setdefault(key[0], {})[key[1]] = value
        return {msgid: [f.get(i, "") for i in range(self._num_plurals)] for msgid, f in forms.items()}


# A few hundred bytes per language: the browser keeps it an hour, the server computes it each time.
map_catalogue = require_GET(cache_control(max_age=3600, public=True)(MapCatalogue.as_view()))


@require_GET
def commitments_map(request):
    stats = pledge_stats()
    return render(
        request,
        "pledges/map.html",
        {
            "stats": stats,
            "top_countries": stats["countries"][:20],
            "other_countries": stats["countries"][20:],
            "numeric_codes": country_numeric_codes(),
            "tile_url": settings.MAP_TILE_URL,
            "poll_seconds": max(settings.PLEDGE_COUNT_CACHE_SECONDS, 3),
        },
    )


@require_GET
def share_image(request):
    """A 1200x630 card for social previews, in the page's language and script (heforshe.lib.shareimage)."""
    from django.utils.translation import get_language_bidi

    from heforshe.lib.shareimage import render_card
    from pledges.selectors import pledge_total

    kind = request.GET.get("kind", "pledge")
    if kind not in {"pledge", "action"}:
        raise Http404
    total = pledge_total()
    lang = get_language()
    key = f"pledges:share:v2:{kind}:{lang}:{total}"
    png = cache.get(key)
    if png is None:
        body = (
            _("I took action for gender equality. Join me.")
            if kind == "action"
            else _("men and boys stand with women and girls for gender equality. Join them.")
        )
        png = render_card(
            headline=f"HeForShe · {total:,}",
            body=str(body),
            footer=settings.SITE_URL.split("//")[-1] + "  #HeForShe",
            rtl=get_language_bidi(),
        )
        cache.set(key, png, timeout=300)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=300"
    return response
