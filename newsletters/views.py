"""Unsubscribe and preferences, by the signed link in every newsletter: no account, no cookie.

Both are exempt from CSRF on purpose: RFC 8058 one-click unsubscribe is a cookie-less POST from
the mail client, and the secret that authorises the change is the signed token in the URL, which a
forging site does not have. A GET never changes anything (link scanners follow links).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsletters import services
from newsletters.forms import PreferencesForm


def _invalid(request):
    return render(request, "newsletters/invalid.html", status=400)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    pledge = services.pledge_for_token(token)
    if pledge is None:
        return _invalid(request)
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        services.unsubscribe(pledge_id=pledge.pk, how="one-click" if one_click else "page")
        return render(request, "newsletters/unsubscribed.html", {"token": token})
    state = services.preference_for(pledge)
    return render(request, "newsletters/unsubscribe.html", {"token": token, "subscribed": state["subscribed"]})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def preferences(request, token: str):
    pledge = services.pledge_for_token(token)
    if pledge is None:
        return _invalid(request)
    state = services.preference_for(pledge)
    form = PreferencesForm(request.POST or None, initial=state)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.preferences_save(
            pledge_id=pledge.pk,
            language=data["language"],
            topics=data["topics"],
            english_fallback=data["english_fallback"],
        )
        messages.success(request, _("Your choices are saved."))
        return redirect(request.path)
    status = 400 if form.is_bound else 200
    return render(request, "newsletters/preferences.html", {"form": form, "token": token, **state}, status=status)
