"""Event pages: thin views over events.services and events.selectors."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode
from zoneinfo import available_timezones

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from events import selectors, services
from events.forms import CheckInSearchForm, EventForm, RegistrationForm
from events.ics import event_ics
from events.models import Event, Kind, Registration
from heforshe.lib.forms import apply_errors
from heforshe.lib.net import client_ip
from heforshe.lib.pillars import Pillar
from heforshe.lib.ratelimit import retry_later
from heforshe.lib.sharetext import share_links, share_text
from pledges.abuse import RateLimited, filled_too_fast, form_started_token


def _choice(request, name: str, choices) -> str:
    value = request.GET.get(name, "")
    return value if value in dict(choices) else ""


@require_GET
def index(request):
    from django.conf import settings

    filters = {
        "country": _choice(request, "country", list(countries)),
        "kind": _choice(request, "kind", Kind.choices),
        "pillar": _choice(request, "pillar", Pillar.choices),
        "language": _choice(request, "language", settings.LANGUAGES),
    }
    from pledges.selectors import country_numeric_codes

    events = list(selectors.upcoming(**filters)[:100])
    aggregate = selectors.by_country(events)
    return render(
        request,
        "events/index.html",
        {
            "events": events,
            "map": aggregate,
            "map_counts": {row["code"]: {"name": str(row["name"]), "n": row["n"]} for row in aggregate},
            "numeric_codes": country_numeric_codes(),
            "filters": filters,
            "kinds": Kind.choices,
            "pillars": Pillar.choices,
            "languages": settings.LANGUAGES,
            "countries": list(countries),
        },
    )


@require_GET
def past(request):
    return render(request, "events/past.html", {"events": selectors.past()})


def _pledger(request):
    from pledges.views import current_pledge

    return current_pledge(request)


@require_GET
def detail(request, slug: str):
    event = selectors.event_public(slug=slug)
    if event is None:
        raise Http404
    return _detail(request, event, RegistrationForm(initial={"started": form_started_token()}))


def _detail(request, event: Event, form, status: int = 200, retry_after: int = 0):
    from pledges.models import Pledge

    pledger = _pledger(request)
    url = selectors.event_url(event)
    text = share_text()
    response = render(
        request,
        "events/detail.html",
        {
            "event": event,
            "form": form,
            "seats": selectors.seats(event),
            "pledger": pledger if pledger and pledger.status == Pledge.Status.CONFIRMED else None,
            "share_links": share_links(url=url, text=f"{event.local_title} · {text}"),
            "can_manage": selectors.can_manage(request.user, event),
        },
        status=status,
    )
    return retry_later(response, retry_after)


@require_POST
def register(request, slug: str):
    event = selectors.event_public(slug=slug)
    if event is None:
        raise Http404
    if request.POST.get("one_click"):
        pledger = _pledger(request)
        if pledger is None:
            return redirect("events:detail", slug=slug)
        try:
            registration = services.registration_one_click(event_id=event.pk, pledge_id=pledger.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("events:detail", slug=slug)
        return redirect("events:registration", token=registration.token)
    form = RegistrationForm(request.POST)
    status, retry_after = 400, 0
    if form.is_valid():
        data = form.cleaned_data
        if data["website"] or filled_too_fast(data["started"]):
            form.add_error(
                None, gettext("That was faster than a person can fill the form. Please check it and send it again.")
            )
        else:
            try:
                services.registration_submit(
                    event_id=event.pk,
                    data=services.RegistrationInput(
                        name=data["name"],
                        email=data["email"],
                        language=get_language(),
                        with_pledge=data["with_pledge"],
                        country=data["country"],
                        consent=data["consent"],
                    ),
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except RateLimited as exc:
                form.add_error(
                    None,
                    gettext("Too many sign-ups came from your network just now. Please try again in a few minutes."),
                )
                status, retry_after = 429, exc.retry_after
            else:
                return render(request, "events/check_email.html", {"event": event})
    form.data = form.data.copy()
    form.data["started"] = form_started_token()
    return _detail(request, event, form, status=status, retry_after=retry_after)


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET shows a button (mail scanners follow links); the POST confirms."""
    registration = selectors.registration_by_token(token)
    if registration is None:
        return render(request, "events/registration.html", {"invalid": True}, status=404)
    if request.method == "POST":
        try:
            services.registration_confirm(registration_id=registration.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("events:registration", token=token)
    return render(request, "events/confirm.html", {"registration": registration, "event": registration.event})


@require_http_methods(["GET", "POST"])
def registration(request, token: str):
    registration = selectors.registration_by_token(token)
    if registration is None:
        return render(request, "events/registration.html", {"invalid": True}, status=404)
    if request.method == "POST" and request.POST.get("do") == "cancel":
        services.registration_cancel(registration_id=registration.pk)
        messages.success(request, gettext("Your registration is cancelled."))
        return redirect("events:registration", token=token)
    registration.refresh_from_db()
    return render(request, "events/registration.html", {"registration": registration, "event": registration.event})


def _ics_response(payload: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(payload, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def registration_ics(request, token: str):
    registration = selectors.registration_by_token(token)
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        raise Http404
    return _ics_response(event_ics([registration.event], registration=registration), f"{registration.event.slug}.ics")


@require_GET
def event_ics_view(request, slug: str):
    event = selectors.event_public(slug=slug)
    if event is None:
        raise Http404
    return _ics_response(event_ics([event]), f"{slug}.ics")


@require_GET
def partner_feed(request, slug: str):
    from partners.selectors import partner_public

    partner = partner_public(slug=slug)
    if partner is None:
        raise Http404
    events = Event.objects.filter(partner=partner).exclude(status=Event.Status.DRAFT).order_by("starts_at")[:500]
    response = _ics_response(event_ics(events, name=f"HeForShe · {partner.name}"), f"{slug}.ics")
    response["Content-Disposition"] = "inline"
    return response


@require_GET
def country_feed(request, code: str):
    code = code.upper()
    if code not in dict(countries):
        raise Http404
    events = Event.objects.filter(country=code).exclude(status=Event.Status.DRAFT).order_by("starts_at")[:500]
    response = _ics_response(event_ics(events, name=f"HeForShe · {countries.name(code)}"), f"{code}.ics")
    response["Content-Disposition"] = "inline"
    return response


# --- Organisers ------------------------------------------------------------------------


def _organiser(request):
    """The partner the user organises for (None for staff acting without one); 403 for others."""
    from partners.selectors import membership_for_user

    membership = membership_for_user(user=request.user)
    if membership is not None:
        return membership.partner
    if request.user.has_perm("events.add_event"):
        return None
    raise PermissionDenied


def _managed_event(request, slug: str) -> Event:
    event = Event.objects.filter(slug=slug).first()
    if event is None or not selectors.can_manage(request.user, event):
        raise Http404
    return event


@login_required
@require_GET
def manage(request):
    partner = _organiser(request)
    if partner is not None:
        events = selectors.events_for_partner(partner_id=partner.pk)
    else:
        events = Event.objects.order_by("-starts_at")[:200]
    return render(request, "events/manage.html", {"events": events, "partner": partner})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug: str | None = None):
    partner = _organiser(request)
    event = _managed_event(request, slug) if slug else Event(partner=partner, created_by=request.user)
    form = EventForm(request.POST or None, instance=event)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            event = form.save(commit=False)
            try:
                event.timezone = services.valid_timezone(data["timezone"])
                event.starts_at = services.local_to_utc(data["start_local"], event.timezone)
                event.ends_at = services.local_to_utc(data["end_local"], event.timezone)
                event.languages = ",".join(data["language_codes"])
                event.translations = form.translations()
                if not event.slug:
                    # Short enough that the tracked code `event-<slug>` fits a pledge's source code (40).
                    event.slug = f"{slugify(event.title)[:27].strip('-') or 'event'}-{secrets.token_hex(3)}"
                services.event_save(event=event, user=request.user, champion_ids=[c.pk for c in data["champions"]])
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, gettext("The event is saved."))
                return redirect("events:detail", slug=event.slug)
        else:
            status = 400
    return render(
        request,
        "events/edit.html",
        {"form": form, "event": event if event.pk else None, "timezones": sorted(available_timezones())},
        status=status,
    )


@login_required
@require_POST
def cancel(request, slug: str):
    event = _managed_event(request, slug)
    if services.event_cancel(event_id=event.pk, user=request.user):
        messages.success(request, gettext("The event is cancelled; everyone registered is told."))
    return redirect("events:manage")


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request, slug: str):
    """A small page for a phone at the door: search, one form per person, no JavaScript needed."""
    event = _managed_event(request, slug)
    query = request.POST.get("q", "") if request.method == "POST" else request.GET.get("q", "")
    if request.method == "POST":
        try:
            pk = int(request.POST.get("registration", ""))
        except ValueError:
            pk = 0
        if pk:
            services.registration_check_in(
                registration_id=pk, event_id=event.pk, user=request.user, undo=bool(request.POST.get("undo"))
            )
        url = reverse("events:check_in", args=[slug])
        return redirect(f"{url}?{urlencode({'q': query})}" if query else url)
    form = CheckInSearchForm(request.GET or None)
    people = list(selectors.checkin_list(event=event, query=query)[:200])
    return render(
        request,
        "events/check_in.html",
        {"event": event, "form": form, "people": people, "q": query, "seats": selectors.seats(event)},
    )
