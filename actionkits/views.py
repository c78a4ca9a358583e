from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from actionkits import downloads, selectors, services
from actionkits.forms import KitFilterForm
from actionkits.models import Audience
from heforshe.lib.net import client_ip, country_for_ip
from heforshe.lib.pillars import Pillar
from heforshe.lib.ratelimit import address_key, retry_later


def _language() -> str:
    return get_language() or "en"


@require_safe
def index(request):
    form = KitFilterForm(request.GET or None)
    audience = pillar = ""
    status = 200
    if form.is_valid():
        audience, pillar = form.cleaned_data["audience"], form.cleaned_data["pillar"]
    elif form.is_bound:
        status = 400  # an unknown filter value: every kit, with the filter's error shown
    language = _language()
    kits = [
        shown
        for kit in selectors.kits_public(audience=audience, pillar=pillar)
        if (shown := selectors.kit_in_language(kit, language))
    ]
    return render(
        request,
        "actionkits/index.html",
        {"form": form, "kits": kits, "audience_labels": dict(Audience.choices), "filtered": bool(audience or pillar)},
        status=status,
    )


@require_safe
def detail(request, slug: str):
    kit = selectors.kit_public_by_slug(slug=slug)
    if kit is None:
        raise Http404
    shown = selectors.kit_in_language(kit, _language())
    can_download = selectors.user_can_download(user=request.user, kit=kit)
    return render(
        request,
        "actionkits/detail.html",
        {
            "shown": shown,
            "kit": kit,
            "translation": shown.translation,
            "download": selectors.download_translation(kit, _language()),
            "can_download": can_download,
            "pillar_labels": dict(Pillar.choices),
        },
    )


@require_safe
def download(request, slug: str):
    ip = client_ip(request)
    client_key = address_key(ip)
    try:
        services.download_check_rate(client_key=client_key)
    except services.DownloadsThrottled as exc:
        return retry_later(render(request, "actionkits/too_many_downloads.html", status=429), exc.retry_after)
    kit = selectors.kit_public_by_slug(slug=slug)
    if kit is None:
        raise Http404
    if not selectors.user_can_download(user=request.user, kit=kit):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        raise PermissionDenied
    translation = selectors.download_translation(kit, _language())
    if translation is None:
        raise Http404
    delivery = downloads.evaluate(request, translation)
    if delivery.starts_a_download and services.download_claim(
        kit_id=kit.pk, language=translation.language, version=translation.version, client_key=client_key
    ):
        services.download_record(
            kit_id=kit.pk, language=translation.language, version=translation.version, country=country_for_ip(ip)
        )
    return downloads.respond(request, translation, delivery)


@login_required
@permission_required("actionkits.view_actionkit", raise_exception=True)
@require_safe
def translations_overview(request):
    return render(
        request,
        "actionkits/translations.html",
        {
            "rows": selectors.translation_overview(),
            "languages": [(code, selectors.language_name(code)) for code in selectors.LANGUAGE_CODES],
        },
    )
