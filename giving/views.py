"""Giving pages: thin views over giving.services and giving.selectors."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giving import selectors, services
from giving.currencies import COUNTRY_CURRENCY, format_money
from giving.forms import GiftsLinkForm, GiveForm
from giving.models import Donation, DonationStatus, Frequency, Offer, Subscription
from giving.providers import ProviderError, ProviderUnavailable, WebhookInvalid
from heforshe.lib.audit import log_action
from heforshe.lib.csv import csv_response
from heforshe.lib.net import client_ip, country_for_ip
from heforshe.lib.ratelimit import Limit, address_key, hit, retry_later
from pledges.abuse import filled_too_fast, form_started_token

logger = logging.getLogger(__name__)

DONOR_SESSION_KEY = "giving_donor_email"


def _visitor_currency(request, options) -> str:
    codes = [o.currency for o in options]
    wanted = (request.GET.get("currency") or "").upper()
    if wanted in codes:
        return wanted
    guess = COUNTRY_CURRENCY.get(country_for_ip(client_ip(request)) or "", "USD")
    if guess in codes:
        return guess
    return "USD" if "USD" in codes else (codes[0] if codes else "USD")


def _amount_choices(option, frequency: str, language: str) -> list[dict]:
    amounts = option.monthly_amounts if frequency == Frequency.MONTHLY else option.one_off_amounts
    from giving.currencies import exponent

    return [
        {"value": str(a), "label": format_money(int(a) * 10 ** exponent(option.currency), option.currency, language)}
        for a in amounts
    ]


def _rate_limited(request, name: str, limits) -> int:
    key = address_key(client_ip(request))
    if not key:
        return 0
    verdict = hit([Limit(f"giving:{name}:{key}:{n}", limit, window) for n, limit, window in limits])
    return 0 if verdict.allowed else verdict.retry_after


@require_http_methods(["GET", "POST"])
def give(request, slug: str = ""):
    options = selectors.currency_options()
    language = get_language()
    campaign = None
    slug = request.POST.get("campaign", "") if request.method == "POST" else (slug or request.GET.get("campaign", ""))
    if slug:
        campaign = selectors.campaign_public(slug=slug[:80])
    status, retry_after = 200, 0
    if request.method == "POST":
        form = GiveForm(request.POST)
        currency = (request.POST.get("currency") or "").upper()[:3]
        if form.is_valid():
            data = form.cleaned_data
            if data["website"] or filled_too_fast(data["started"]):
                form.add_error(
                    None, _("That was faster than a person can fill the form. Please check it and send it again.")
                )
                status = 400
            elif retry := _rate_limited(request, "give", settings.GIVING_RATE_LIMITS):
                form.add_error(
                    None,
                    _("Too many gifts were started from your network just now. Please try again in a few minutes."),
                )
                status, retry_after = 429, retry
            else:
                try:
                    donation = services.donation_create(
                        data=services.GiftInput(
                            frequency=data["frequency"],
                            amount=form.amount_text(),
                            currency=data["currency"],
                            email=data["email"],
                            name=data["name"],
                            designation=data["designation"],
                            dedication=data["dedication"],
                            campaign_slug=data["campaign"],
                            language=language,
                        )
                    )
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        # The currency and campaign are not fields the donor sees: their errors go on top.
                        target = {"amount": "other_amount", "currency": None, "campaign": None}.get(field, field)
                        form.add_error(target if target in form.fields else None, errors)
                    status = 400
                else:
                    success = settings.SITE_URL + reverse("giving:thanks", args=[donation.public_id])
                    cancel = settings.SITE_URL + reverse("giving:cancelled", args=[donation.public_id])
                    try:
                        url = services.checkout_start(donation_id=donation.pk, success_url=success, cancel_url=cancel)
                    except ProviderUnavailable:
                        logger.warning("payment provider unavailable for donation %s", donation.pk, exc_info=True)
                        form.add_error(
                            None,
                            _("The payment service did not answer. Nothing was charged; please try again in a moment."),
                        )
                        status = 503
                    except ProviderError:
                        logger.exception("payment provider refused donation %s", donation.pk)
                        form.add_error(None, _("The payment service refused this gift. Nothing was charged."))
                        status = 502
                    else:
                        return redirect(url, permanent=False)
        else:
            status = 400
        form.data = form.data.copy()
        form.data["started"] = form_started_token()
    else:
        currency = _visitor_currency(request, options)
        frequency = (
            request.GET.get("frequency") if request.GET.get("frequency") in Frequency.values else Frequency.ONE_OFF
        )
        form = GiveForm(
            initial={
                "currency": currency,
                "frequency": frequency,
                "campaign": campaign.slug if campaign else "",
                "started": form_started_token(),
            }
        )
    option = next((o for o in options if o.currency == currency), options[0] if options else None)
    frequency = form["frequency"].value() or Frequency.ONE_OFF
    context = {
        "form": form,
        "options": options,
        "option": option,
        "currency": option.currency if option else currency,
        "frequency": frequency,
        "one_off_choices": _amount_choices(option, Frequency.ONE_OFF, language) if option else [],
        "monthly_choices": _amount_choices(option, Frequency.MONTHLY, language) if option else [],
        "selected_amount": form["amount"].value() or "",
        "minimum": format_money(option.minimum_minor, option.currency, language) if option else "",
        "maximum": format_money(option.maximum_minor, option.currency, language) if option else "",
        "campaign": campaign,
        "campaigns": selectors.published_campaigns()[:6],
        "provider": settings.GIVING_PROVIDER,
    }
    return retry_later(render(request, "giving/give.html", context, status=status), retry_after)


def _progress_view_model(progress: dict, language: str) -> dict:
    cur = progress["currency"]
    offers = []
    for o in progress["offers"]:
        row = {
            **o,
            "cap": format_money(o["cap_minor"], o["currency"], language),
            "owed": format_money(o["owed_minor"], o["currency"], language),
            "remaining": format_money(o["remaining_minor"], o["currency"], language),
            "per_pledge": format_money(o["per_pledge_minor"], o["currency"], language),
            "percent": min(100, o["owed_minor"] * 100 // o["cap_minor"]) if o["cap_minor"] else 0,
            "ends_on": dt.datetime.fromisoformat(o["ends_at"]).date(),
        }
        # One sentence, rendered here, so the page and the live update (thermometer.js) say the same.
        if o["kind"] == Offer.Kind.MATCH:
            row["progress_text"] = _("%(owed)s matched so far; %(remaining)s still to match.") % row
        else:
            row["progress_text"] = ngettext(
                "%(n)s pledge so far: %(owed)s given, %(remaining)s to go.",
                "%(n)s pledges so far: %(owed)s given, %(remaining)s to go.",
                o["count"],
            ) % {**row, "n": o["count"]}
        offers.append(row)
    return {
        **progress,
        "goal": format_money(progress["goal_minor"], cur, language),
        "raised": format_money(progress["raised_minor"], cur, language),
        "sponsored": format_money(progress["sponsored_minor"], cur, language),
        "total": format_money(progress["total_minor"], cur, language),
        "offer_rows": offers,
    }


@require_GET
def campaign(request, slug: str):
    found = selectors.campaign_public(slug=slug)
    if found is None:
        raise Http404
    language = get_language()
    progress = _progress_view_model(selectors.campaign_progress(campaign=found), language)
    return render(
        request,
        "giving/campaign.html",
        {
            "campaign": found,
            "progress": progress,
            "sponsors": selectors.campaign_sponsors(campaign=found),
            "match_offers": [o for o in progress["offer_rows"] if o["kind"] == Offer.Kind.MATCH],
            "pledge_offers": [o for o in progress["offer_rows"] if o["kind"] == Offer.Kind.PER_PLEDGE],
            "poll_seconds": settings.GIVING_PROGRESS_POLL_SECONDS,
        },
    )


@require_GET
def campaign_progress_json(request, slug: str):
    found = selectors.campaign_public(slug=slug)
    if found is None:
        return JsonResponse({"detail": _("No such campaign.")}, status=404)
    progress = _progress_view_model(selectors.campaign_progress(campaign=found), get_language())
    for row in progress["offer_rows"]:
        row["ends_on"] = row["ends_on"].isoformat()
    progress.pop("offers")  # the same rows, with their figures formatted, are in offer_rows
    response = JsonResponse(progress)
    response["Cache-Control"] = f"public, max-age={settings.GIVING_PROGRESS_CACHE_SECONDS}"
    return response


def _donation_or_404(public_id) -> Donation:
    return get_object_or_404(Donation.objects.select_related("campaign"), public_id=public_id)


@require_GET
def thanks(request, public_id):
    donation = services.donation_return(donation=_donation_or_404(public_id))
    language = get_language()
    return render(
        request,
        "giving/thanks.html",
        {
            "donation": donation,
            "amount": format_money(donation.amount_minor, donation.currency, language),
            "paid": donation.status in (DonationStatus.SUCCEEDED, DonationStatus.PARTIALLY_REFUNDED),
            "pending": donation.status == DonationStatus.PENDING,
        },
    )


@require_GET
def cancelled(request, public_id):
    donation = _donation_or_404(public_id)
    again = reverse("giving:give") + f"?currency={donation.currency}&frequency={donation.frequency}"
    if donation.campaign_id:
        again += f"&campaign={donation.campaign.slug}"
    return render(request, "giving/cancelled.html", {"donation": donation, "again_url": again})


@csrf_exempt
@require_POST
def webhook(request, provider: str):
    """Provider webhooks: 200 once the event is stored (or was already), 400 for a bad signature."""
    if provider not in ("stripe", "dev") or provider != settings.GIVING_PROVIDER:
        raise Http404
    try:
        record = services.webhook_receive(
            provider_name=provider, payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except WebhookInvalid:
        return JsonResponse({"detail": "invalid signature"}, status=400)
    return JsonResponse({"received": True, "outcome": record.outcome})


# --- The offline development provider's pages ---------------------------------------
def _dev_only() -> None:
    if settings.GIVING_PROVIDER != "dev":
        raise Http404


@require_http_methods(["GET", "POST"])
def dev_checkout(request, session_id: str):
    _dev_only()
    from giving.providers.dev import DevProvider

    provider = DevProvider()
    try:
        session = provider.retrieve_checkout(session_id=session_id)
    except ProviderError:
        raise Http404 from None
    donation = Donation.objects.filter(checkout_session_id=session_id).select_related("campaign").first()
    if donation is None:
        raise Http404
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome not in ("succeed", "fail", "cancel"):
            return render(request, "giving/dev_checkout.html", {"session": session, "donation": donation}, status=400)
        session = provider.complete(session_id=session_id, outcome=outcome)
        if outcome == "succeed":
            return redirect(session["success_url"])
        if outcome == "cancel":
            return redirect(session["cancel_url"])
    return render(
        request,
        "giving/dev_checkout.html",
        {
            "session": session,
            "donation": donation,
            "amount": format_money(donation.amount_minor, donation.currency, get_language()),
            "declined": session.get("last_error") == "card_declined",
        },
    )


@require_http_methods(["GET", "POST"])
def dev_portal(request, customer_id: str):
    _dev_only()
    from giving.providers.dev import DevProvider

    subs = list(Subscription.objects.filter(provider="dev", customer_id=customer_id))
    if not subs:
        raise Http404
    if request.method == "POST":
        sub = next((s for s in subs if str(s.pk) == request.POST.get("subscription")), None)
        if sub is None:
            return HttpResponse(status=400)
        if request.POST.get("action") == "cancel":
            DevProvider().cancel_subscription(subscription_id=sub.provider_subscription_id, key=str(sub.pk))
            messages.success(request, _("Your monthly gift is cancelled."))
        elif request.POST.get("action") == "renew" and sub.status != Subscription.Status.CANCELLED:
            first = sub.donations.order_by("created_at").first()
            DevProvider().renew(
                subscription_id=sub.provider_subscription_id,
                customer_id=customer_id,
                amount_minor=sub.amount_minor,
                currency=sub.currency,
                metadata={"donation": str(first.public_id) if first else ""},
            )
            messages.success(request, _("Next month's payment was simulated."))
        return redirect("giving:dev_portal", customer_id=customer_id)
    language = get_language()
    rows = [{"sub": s, "amount": format_money(s.amount_minor, s.currency, language)} for s in subs]
    return render(request, "giving/dev_portal.html", {"rows": rows, "return_url": reverse("giving:gifts")})


# --- The donor's own page, by emailed magic link -------------------------------------
@require_http_methods(["GET", "POST"])
def gifts(request):
    email = request.session.get(DONOR_SESSION_KEY)
    language = get_language()
    if email:
        donations = list(selectors.donations_for_email(email=email))
        rows = [
            {
                "d": d,
                "amount": format_money(d.amount_minor, d.currency, language),
                "refunded": format_money(d.refunded_minor, d.currency, language) if d.refunded_minor else "",
            }
            for d in donations
        ]
        subs = {d.subscription_id: d.subscription for d in donations if d.subscription_id}
        return render(
            request,
            "giving/gifts.html",
            {
                "email": email,
                # An address is left-to-right inside an Arabic sentence.
                "email_html": format_html("<bdi>{}</bdi>", email),
                "rows": rows,
                "subscriptions": [s for s in subs.values() if s.status != "cancelled"],
            },
        )
    status, retry_after = 200, 0
    sent = False
    if request.method == "POST":
        form = GiftsLinkForm(request.POST)
        if form.is_valid():
            if retry := _rate_limited(request, "gifts-link", settings.GIVING_LINK_RATE_LIMITS):
                form.add_error(
                    None, _("Too many requests from your network just now. Please try again in a few minutes.")
                )
                status, retry_after = 429, retry
            else:
                services.donor_link_request(email=form.cleaned_data["email"], language=language)
                sent = True
        else:
            status = 400
    else:
        form = GiftsLinkForm()
    return retry_later(
        render(request, "giving/gifts_signed_out.html", {"form": form, "sent": sent}, status=status), retry_after
    )


@require_http_methods(["GET", "POST"])
def gifts_sign_in(request, token: str):
    email = services.donor_token_read(token)
    if email is None:
        return render(request, "giving/gifts_sign_in.html", {"invalid": True}, status=404)
    if request.method == "POST":
        request.session.cycle_key()
        request.session[DONOR_SESSION_KEY] = email
        return redirect("giving:gifts")
    return render(request, "giving/gifts_sign_in.html", {})


@require_POST
def gifts_manage(request, subscription_id: int):
    email = request.session.get(DONOR_SESSION_KEY)
    if not email:
        return redirect("giving:gifts")
    # An id past the database's integer range is simply unknown (not a 500).
    sub = (
        Subscription.objects.filter(pk=subscription_id, email__iexact=email).first()
        if subscription_id < 2**63
        else None
    )
    if sub is None or not sub.customer_id:
        raise Http404
    try:
        url = services.subscription_portal(subscription=sub, return_url=settings.SITE_URL + reverse("giving:gifts"))
    except ProviderError:
        messages.error(request, _("The payment service did not answer. Please try again in a moment."))
        return redirect("giving:gifts")
    return redirect(url)


@require_GET
def gifts_receipt(request, public_id):
    """A printable receipt of one of the signed-in donor's paid gifts."""
    email = request.session.get(DONOR_SESSION_KEY)
    if not email:
        return redirect("giving:gifts")
    donation = (
        selectors.donations_for_email(email=email).filter(public_id=public_id, succeeded_at__isnull=False).first()
    )
    if donation is None:
        raise Http404
    context = services.receipt_context(donation)
    context["amount"] = format_money(donation.amount_minor, donation.currency, get_language())
    return render(request, "giving/receipt.html", context)


@require_POST
def gifts_sign_out(request):
    request.session.pop(DONOR_SESSION_KEY, None)
    return redirect("giving:gifts")


# --- Finance staff ------------------------------------------------------------------
def finance_view(fn):
    """Finance staff (or a superuser) only: donor data is for nobody else."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_staff and request.user.has_perm("giving.view_donation")):
            raise PermissionDenied
        return fn(request, *args, **kwargs)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


@require_GET
@finance_view
def staff_overview(request):
    language = get_language()
    campaigns = []
    for c in selectors.published_campaigns():
        campaigns.append(
            {"c": c, "p": _progress_view_model(selectors.campaign_progress(campaign=c, fresh=True), language)}
        )
    header, rows = selectors.sponsor_statement()
    return render(request, "giving/staff.html", {"campaigns": campaigns, "statement": rows, "header": header})


@require_GET
@finance_view
def staff_statement_csv(request):
    header, rows = selectors.sponsor_statement()
    log_action(Offer, "giving.statement.exported", user=request.user, data={"rows": len(rows)})
    return csv_response("sponsor-statement.csv", header, rows)


@require_GET
@finance_view
def staff_donations_csv(request):
    header, rows = selectors.donations_export_rows()
    log_action(Donation, "giving.donations.exported", user=request.user)
    return csv_response("donations.csv", header, rows)
