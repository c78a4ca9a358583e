"""Champion pages: thin views over champions.services and champions.selectors."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi, gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from champions import selectors, services
from champions.forms import InviteForm, ReviewForm, RevisionForm
from champions.models import Champion, Kind, Revision
from heforshe.lib.invitations import AcceptPage, accept_view
from heforshe.lib.sharetext import share_links, share_text


def _errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def staff_required(permission: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@require_GET
def index(request):
    kind = request.GET.get("kind", "")
    if kind not in dict(Kind.choices):
        kind = ""
    return render(
        request,
        "champions/index.html",
        {
            "groups": selectors.champions_by_kind(kind=kind),
            "kinds": Kind.choices,
            "kind": kind,
            "leaderboard": selectors.leaderboard(),
        },
    )


@require_GET
def detail(request, slug: str):
    champion = selectors.champion_public(slug=slug)
    if champion is None:
        raise Http404
    link = selectors.tracked_link(champion)
    text = share_text(name=champion.name)
    commitments = list(champion.partner.commitments.all()[:10]) if champion.partner_id else []
    return render(
        request,
        "champions/detail.html",
        {
            "champion": champion,
            "reach": selectors.reach_of(champion),
            "poll_seconds": selectors.REACH_LIVE_SECONDS,
            "link": link,
            "share_text": text,
            "share_links": share_links(url=link, text=text),
            "commitments": commitments,
            "events": champion.event_set.exclude(status="draft").order_by("-starts_at")[:5],
        },
    )


@require_GET
def reach(request, slug: str):
    """The small JSON the champion's page polls to keep its reach live: {"reach": n}."""
    value = selectors.reach_live(slug=slug)
    if value is None:
        return JsonResponse({"detail": gettext("No published champion has this address.")}, status=404)
    response = JsonResponse({"reach": value})
    response["Cache-Control"] = f"public, max-age={selectors.REACH_LIVE_SECONDS}"
    return response


@require_GET
def share_image(request, slug: str):
    """The champion's card in the page's language: name, role and statement, shaped for its script."""
    from PIL import Image

    from heforshe.lib.shareimage import render_card

    champion = selectors.champion_public(slug=slug)
    if champion is None:
        raise Http404
    lang = get_language()
    key = f"champions:share:{champion.pk}:{lang}:{int(champion.updated_at.timestamp())}"
    png = cache.get(key)
    if png is None:
        portrait = None
        if champion.portrait:
            with champion.portrait.open("rb") as fh, Image.open(fh) as im:
                portrait = im.convert("RGB")
        statement = champion.local_statement
        png = render_card(
            headline=champion.name,
            body=(statement[:180] + "…") if len(statement) > 180 else statement,
            footer=gettext("#HeForShe · Join me"),
            rtl=get_language_bidi(),
            portrait=portrait,
        )
        cache.set(key, png, timeout=3600)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=600"
    return response


# --- The champion's own edits, reviewed before they go live ------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    profiles = list(selectors.profiles_for_user(user=request.user))
    if not profiles:
        raise PermissionDenied
    champion = profiles[0]
    form = RevisionForm(
        request.POST or None,
        initial={"language": get_language(), "statement": champion.local_statement, "video_url": champion.video_url},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.revision_submit(
                    champion=champion,
                    user=request.user,
                    language=form.cleaned_data["language"],
                    statement=form.cleaned_data["statement"],
                    video_url=form.cleaned_data["video_url"],
                )
            except ValidationError as exc:
                _errors(form, exc)
                status = 400
            else:
                messages.success(
                    request, gettext("Thank you. Your change goes live once the HeForShe team has reviewed it.")
                )
                return redirect("champions:mine")
        else:
            status = 400
    pending = champion.revisions.filter(status=Revision.Status.PENDING)
    return render(
        request, "champions/mine.html", {"champion": champion, "form": form, "pending": pending}, status=status
    )


invitation = accept_view(
    AcceptPage(
        flow=services.INVITATION_FLOW,
        template="champions/invitation.html",
        accept=lambda invitation, user: services.invitation_accept(invitation=invitation, user=user),
        welcome=lambda invitation: gettext("Welcome! You can now propose changes to your profile."),
        done_url="champions:mine",
    )
)


# --- Partnerships staff ----------------------------------------------------------------


@require_GET
@staff_required("champions.view_champion_reach")
def staff(request):
    context = selectors.staff_reach()
    context["invite_form"] = InviteForm(initial={"language": get_language()})
    context["revisions"] = Revision.objects.filter(status=Revision.Status.PENDING).select_related("champion")[:50]
    context["review_form"] = ReviewForm()
    return render(request, "champions/staff.html", context)


@require_POST
@staff_required("champions.add_invitation")
def staff_invite(request, pk: int):
    champion = get_object_or_404(Champion, pk=pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                champion=champion,
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
                invited_by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, gettext("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
    else:
        messages.error(request, gettext("Give a valid email address and language."))
    return redirect(reverse("champions:staff"))


@require_POST
@staff_required("champions.change_revision")
def staff_review(request, pk: int):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose approve or reject."))
        return redirect("champions:staff")
    try:
        services.revision_review(
            revision_id=pk,
            approve=form.cleaned_data["decision"] == "approve",
            user=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Review saved."))
    return redirect("champions:staff")
