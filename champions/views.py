"""Champion pages: thin views over champions.services and champions.selectors."""

from __future__ import annotations

from django.conf import settings
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
from champions.forms import InviteForm, ReviewForm, RevisionForm, VideoForm
from champions.models import Champion, ChampionVideo, Kind, Revision
from heforshe.lib.access import staff_required
from heforshe.lib.forms import apply_errors
from heforshe.lib.invitations import AcceptPage, accept_view
from heforshe.lib.sharetext import share_links, share_text
from heforshe.middleware import body_limit


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
                apply_errors(form, exc)
                status = 400
            else:
                messages.success(
                    request, gettext("Thank you. Your change goes live once the HeForShe team has reviewed it.")
                )
                return redirect("champions:mine")
        else:
            status = 400
    pending = champion.revisions.filter(status=Revision.Status.PENDING)
    context = {
        "champion": champion,
        "form": form,
        "pending": pending,
        "video_form": VideoForm(),
        "videos": champion.videos.all()[:5],
    }
    return render(request, "champions/mine.html", context, status=status)


# A little over the largest video: the multipart envelope around it.
VIDEO_BODY_LIMIT = settings.CHAMPIONS_VIDEO_MAX_BYTES + 1024 * 1024


def _add_video(request, champion: Champion, done: str):
    form = VideoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(done)
    upload = form.cleaned_data["video"]
    try:
        services.video_add(champion=champion, user=request.user, fileobj=upload, name=upload.name, size=upload.size)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Thank you. The video is being converted for the web."))
    return redirect(done)


@body_limit(VIDEO_BODY_LIMIT)
@login_required
@require_POST
def mine_video(request):
    """The champion's own video: processed now, shown once the HeForShe team approves it."""
    profiles = list(selectors.profiles_for_user(user=request.user))
    if not profiles:
        raise PermissionDenied
    return _add_video(request, profiles[0], "champions:mine")


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
    context["video_form"] = VideoForm()
    context["videos"] = (
        ChampionVideo.objects.filter(approved_at__isnull=True).select_related("champion").order_by("created_at")[:50]
    )
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


@body_limit(VIDEO_BODY_LIMIT)
@require_POST
@staff_required("champions.change_champion")
def staff_video(request, pk: int):
    return _add_video(request, get_object_or_404(Champion, pk=pk), "champions:staff")


@require_POST
@staff_required("champions.change_championvideo")
def staff_video_review(request, pk: int):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose approve or reject."))
        return redirect("champions:staff")
    video = get_object_or_404(ChampionVideo, pk=pk)
    try:
        services.video_review(video_id=video.pk, approve=form.cleaned_data["decision"] == "approve", user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Review saved."))
    return redirect("champions:staff")


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
