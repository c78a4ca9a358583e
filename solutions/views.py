"""Solutions pages: thin views over solutions.services and solutions.selectors."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from heforshe.lib.net import client_ip
from heforshe.lib.pillars import Pillar
from heforshe.lib.ratelimit import retry_later
from solutions import selectors, services
from solutions.forms import (
    AmendmentAnswerForm,
    AmendmentForm,
    ChallengeForm,
    CommentForm,
    EditForm,
    JoinForm,
    OutcomeForm,
    ReportForm,
    SolutionForm,
)
from solutions.models import RANDOM_KEY_MAX, Outcome, Participant, SolutionState

SESSION_KEY = "solutions_participant_id"
SEED_KEY = "solutions_seed"
NEXT_KEY = "solutions_next"


def current_participant(request) -> Participant | None:
    """A participant confirmed by the double opt-in, or a confirmed pledger through his /me/ session."""
    from pledges.selectors import pledge_for_session

    pk = request.session.get(SESSION_KEY)
    if pk:
        participant = Participant.objects.filter(pk=pk, status=Participant.Status.CONFIRMED).first()
        if participant:
            return participant
    pledge = pledge_for_session(session=request.session, user=request.user)
    return services.participant_for_pledge(pledge=pledge) if pledge else None


def _seed(request) -> int:
    seed = request.session.get(SEED_KEY)
    if not isinstance(seed, int):
        seed = secrets.randbelow(RANDOM_KEY_MAX)
        request.session[SEED_KEY] = seed
    return seed


def _guard_failed(form) -> bool:
    data = form.cleaned_data
    if data.get("website"):
        return True
    return settings.SOLUTIONS_MIN_FILL_SECONDS > 0 and filled_too_fast_for(data.get("started", ""))


def filled_too_fast_for(token: str) -> bool:
    import time

    from django.core import signing

    from pledges.abuse import FORM_STARTED_SALT

    try:
        started = float(signing.loads(token, salt=FORM_STARTED_SALT, max_age=24 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return True
    return time.time() - started < settings.SOLUTIONS_MIN_FILL_SECONDS


def _started() -> str:
    from pledges.abuse import form_started_token

    return form_started_token()


def _apply(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


TOO_FAST = gettext_lazy("That was faster than a person can fill the form. Please check it and send it again.")
LIMITED = {
    "join": gettext_lazy("Too many requests came from your network just now. Please try again later."),
    "propose": gettext_lazy("Too many solutions came from your network just now. Please try again later."),
    "support": gettext_lazy("Too many supports came from your network just now. Please try again later."),
    "comment": gettext_lazy("Too many comments came from your network just now. Please try again later."),
    "report": gettext_lazy("Too many reports came from your network just now. Please try again later."),
    "amend": gettext_lazy("Too many amendments came from your network just now. Please try again later."),
}


@dataclass
class Done:
    ok: bool
    result: Any = None
    status: int = 200
    retry_after: int = 0
    invalid: bool = False


def _submit(form, run: Callable[[dict], Any], *, limited: str = "", guarded: bool = False) -> Done:
    """The one path every form takes: validate it, check the bot traps (guarded forms), run the service
    with the cleaned data, and turn a refusal into the form's errors with the status to answer:
    400, 409 for something already done, 429 with Retry-After when rate-limited."""
    if not form.is_valid():
        done = Done(False, status=400, invalid=True)
    elif guarded and _guard_failed(form):
        form.add_error(None, TOO_FAST)
        done = Done(False, status=400)
    else:
        try:
            done = Done(True, run(form.cleaned_data))
        except services.RateLimited as exc:
            form.add_error(None, limited)
            done = Done(False, status=429, retry_after=exc.retry_after)
        except ValidationError as exc:
            _apply(form, exc)
            done = Done(False, status=409 if isinstance(exc, services.AlreadyDone) else 400)
    if guarded and not done.ok:
        form.data = form.data.copy()
        form.data["started"] = _started()  # a fresh start time for the corrected form
    return done


def _form_page(request, *, form, template: str, context: dict, run, success, limited: str = "", guarded=False):
    """A page with a form: GET shows it; POST goes through _submit, and on success `success(result)` answers."""
    status, retry_after = 200, 0
    if request.method == "POST":
        done = _submit(form, run, limited=limited, guarded=guarded)
        if done.ok:
            return success(done.result)
        status, retry_after = done.status, done.retry_after
    response = render(request, template, {**context, "form": form}, status=status)
    return retry_later(response, retry_after)


def _form_action(request, *, form, run, back: str, message, limited: str = "", invalid: str = "", guarded=True):
    """A POST from a form inside another page: on success a message and back to the page, otherwise an
    error page saying why (with the same statuses as _submit)."""
    done = _submit(form, run, limited=limited, guarded=guarded)
    if not done.ok:
        text = invalid if done.invalid and invalid else " ".join(e for errs in form.errors.values() for e in errs)
        return _error_page(request, text, status=done.status, back=back, retry_after=done.retry_after)
    messages.success(request, message(done.result) if callable(message) else message)
    return redirect(back)


def _bound(request, form_class, *, initial: dict | None = None, **kwargs):
    if request.method == "POST":
        return form_class(request.POST, request.FILES, **kwargs)
    return form_class(initial=initial, **kwargs)


def _need_participant(request):
    request.session[NEXT_KEY] = request.get_full_path() if request.method == "GET" else request.POST.get("next", "")
    return redirect("solutions:join")


def _edit_window() -> dict:
    """The edit window in whole days when it is some, else in hours (the propose page says it)."""
    hours = int(settings.SOLUTIONS_EDIT_WINDOW.total_seconds() // 3600)
    return {"window_days": hours // 24 if hours and hours % 24 == 0 else 0, "window_hours": hours}


# --- pages -----------------------------------------------------------------------------------


@require_GET
def index(request):
    pillar = request.GET.get("pillar", "")
    challenges = selectors.challenges_with_counts(pillar=pillar if pillar in Pillar.values else "")
    return render(
        request, "solutions/index.html", {"challenges": challenges, "pillars": Pillar.choices, "pillar": pillar}
    )


def _filters(request, *, with_pillar: bool = False) -> selectors.Filters:
    g = request.GET
    sort = g.get("sort", "random")
    status = g.get("status", "")
    language = g.get("language", "")
    country = g.get("country", "").upper()[:2]
    return selectors.Filters(
        sort=sort if sort in selectors.SORTS else "random",
        q=g.get("q", "")[:200],
        country=country if country in dict(countries) else "",
        language=language if language in dict(settings.LANGUAGES) else "",
        status=status if status in ("open", *Outcome.values) else "",
        pillar=(g.get("pillar", "") if g.get("pillar", "") in Pillar.values else "") if with_pillar else "",
    )


def _page_number(request) -> int:
    try:
        return min(max(1, int(request.GET.get("page", "1"))), 10000)
    except ValueError:
        return 1


@require_GET
def challenge(request, slug: str):
    ch = selectors.challenge_public(slug=slug)
    if ch is None:
        raise Http404
    participant = current_participant(request)
    filters = _filters(request)
    page = selectors.solutions_page(challenge=ch, filters=filters, seed=_seed(request), page=_page_number(request))
    supported = selectors.supported_ids(participant=participant, solution_ids=[s.pk for s in page.solutions])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "solutions/challenge.html",
        {
            "challenge": ch,
            "page": page,
            "filters": filters,
            "participant": participant,
            "supported": supported,
            "following": selectors.follows(participant=participant, challenge=ch),
            "sorts": _sort_choices(),
            "statuses": [("open", _("No answer yet")), *Outcome.choices],
            "languages": [(c, n) for c, n in settings.LANGUAGES if c in ch.languages],
            "countries": list(countries),
            "query": query.urlencode(),
            "may_manage": services.may_manage_challenge(user=request.user, challenge=ch),
        },
    )


def _sort_choices():
    return [
        ("random", _("Random")),
        ("supported", _("Most supported")),
        ("newest", _("Newest")),
        ("discussed", _("Most discussed")),
    ]


@require_GET
def search(request):
    """Search every open challenge at once."""
    filters = _filters(request, with_pillar=True)
    page = selectors.solutions_page(challenge=None, filters=filters, seed=_seed(request), page=_page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "solutions/search.html",
        {
            "page": page,
            "filters": filters,
            "sorts": _sort_choices(),
            "statuses": [("open", _("No answer yet")), *Outcome.choices],
            "languages": settings.LANGUAGES,
            "countries": list(countries),
            "pillars": Pillar.choices,
            "query": query.urlencode(),
        },
    )


@require_GET
def solutions_map(request):
    from pledges.selectors import country_numeric_codes

    data = selectors.solutions_map()
    rows = [{"code": code, "name": str(countries.name(code)), "count": n} for code, n in data["countries"].items()]
    return render(
        request,
        "solutions/map.html",
        {
            "rows": rows,
            "other": data["other"],
            "min_count": data["min_count"],
            "map_json": json.dumps({r["code"]: r["count"] for r in rows}),
            "numeric_codes": country_numeric_codes(),
            "tile_url": settings.MAP_TILE_URL,
        },
    )


GONE = {
    SolutionState.WITHDRAWN: gettext_lazy("This solution was withdrawn by its author."),
    SolutionState.REMOVED: gettext_lazy("This solution was removed at its author's request."),
    SolutionState.HIDDEN: gettext_lazy("This solution was hidden by the moderators."),
    SolutionState.PENDING_REVIEW: gettext_lazy("This solution is hidden while moderators review reports about it."),
}


@require_GET
def solution(request, pk: int):
    sol = selectors.solution_visible(pk=pk)
    if sol is None:
        raise Http404
    participant = current_participant(request)
    is_author = participant is not None and sol.author_id == participant.pk
    if sol.state != SolutionState.PUBLISHED and not is_author:
        return render(request, "solutions/gone.html", {"solution": sol, "message": GONE[sol.state]}, status=410)
    share_url = settings.SITE_URL + reverse("solutions:solution", args=[sol.pk])
    return render(
        request,
        "solutions/solution.html",
        {
            "solution": sol,
            "challenge": sol.challenge,
            "participant": participant,
            "is_author": is_author,
            "hidden_notice": GONE[sol.state] if sol.state != SolutionState.PUBLISHED else "",
            "support_count": selectors.support_count(solution=sol),
            "supported": bool(selectors.supported_ids(participant=participant, solution_ids=[sol.pk])),
            "following": selectors.follows(participant=participant, solution=sol),
            "comments": selectors.comments_for(solution=sol),
            "history": selectors.outcome_history(solution=sol),
            "comment_form": CommentForm(initial={"started": _started()}),
            "report_form": ReportForm(initial={"started": _started()}),
            "share_url": share_url,
            "may_edit": is_author and sol.state == SolutionState.PUBLISHED and sol.editable_until() > _now(),
            "may_manage": services.may_manage_challenge(user=request.user, challenge=sol.challenge),
            "is_open": sol.challenge.is_open(),
            "amendments": selectors.amendments_for(solution=sol),
            "amendments_open": not services.amendments_refusal(sol),
            "amendable_until": services.amendable_until(sol),
            "may_answer": is_author or request.user.has_perm("solutions.moderate_solution"),
            "answer_form": AmendmentAnswerForm(),
        },
    )


def _now():
    from django.utils import timezone

    return timezone.now()


def _published_or_404(pk: int):
    sol = selectors.solution_visible(pk=pk)
    if sol is None:
        raise Http404
    return sol


def _error_page(request, message: str, *, status: int = 400, back: str = "", retry_after: int = 0):
    response = render(request, "solutions/error.html", {"message": message, "back": back}, status=status)
    return retry_later(response, retry_after)


@require_http_methods(["GET", "POST"])
def propose(request, slug: str):
    ch = selectors.challenge_public(slug=slug)
    if ch is None:
        raise Http404
    participant = current_participant(request)
    if participant is None:
        return _need_participant(request)
    if not ch.is_open():
        return _error_page(
            request,
            _("This challenge is closed: it no longer takes new solutions, supports or comments."),
            status=403,
            back=reverse("solutions:challenge", args=[ch.slug]),
        )
    lang = get_language()
    form = _bound(
        request,
        SolutionForm,
        challenge=ch,
        initial={
            "started": _started(),
            "country": ch.country.code if ch.country else participant.country.code,
            "language": lang if lang in ch.languages else ch.languages[0],
        },
    )

    def run(d):
        data = services.SolutionInput(
            **{k: d[k] for k in ("title", "body", "language", "country", "town", "pseudonym", "keep_after_erasure")}
        )
        return services.solution_propose(
            challenge=ch, participant=participant, data=data, photo=d.get("photo"), ip=client_ip(request)
        )

    return _form_page(
        request,
        form=form,
        template="solutions/propose.html",
        context={"challenge": ch, "participant": participant, **_edit_window()},
        run=run,
        success=lambda sol: _saved(request, _("Thank you: your solution is published."), sol),
        limited=LIMITED["propose"],
        guarded=True,
    )


def _saved(request, message: str, sol, anchor: str = ""):
    messages.success(request, message)
    return redirect(reverse("solutions:solution", args=[sol.pk]) + anchor)


@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    sol = _published_or_404(pk)
    participant = current_participant(request)
    if participant is None or sol.author_id != participant.pk:
        raise PermissionDenied
    return _form_page(
        request,
        form=_bound(request, EditForm, initial={"title": sol.title, "body": sol.body}),
        template="solutions/edit.html",
        context={"solution": sol},
        run=lambda d: services.solution_edit(solution=sol, participant=participant, **d),
        success=lambda _result: _saved(request, _("Your changes are saved."), sol),
    )


@require_POST
def withdraw(request, pk: int):
    sol = _published_or_404(pk)
    participant = current_participant(request)
    if participant is None or sol.author_id != participant.pk:
        raise PermissionDenied
    services.solution_withdraw(solution=sol, participant=participant)
    messages.success(request, _("Your solution is withdrawn. It no longer appears in the list."))
    return redirect("solutions:challenge", slug=sol.challenge.slug)


@require_POST
def support(request, pk: int):
    sol = _published_or_404(pk)
    participant = current_participant(request)
    if participant is None:
        return _need_participant(request)
    withdrawing = bool(request.POST.get("withdraw"))

    def run(_d):
        if withdrawing:
            return services.support_withdraw(solution=sol, participant=participant)
        return services.support_add(solution=sol, participant=participant, ip=client_ip(request))

    return _form_action(
        request,
        form=forms.Form(request.POST),
        run=run,
        back=reverse("solutions:solution", args=[sol.pk]),
        message=_("Your support is withdrawn.") if withdrawing else _("Thank you for your support."),
        limited=LIMITED["support"],
        guarded=False,
    )


@require_POST
def comment(request, pk: int):
    sol = _published_or_404(pk)
    participant = current_participant(request)
    if participant is None:
        return _need_participant(request)
    return _form_action(
        request,
        form=CommentForm(request.POST),
        run=lambda d: services.comment_add(
            solution=sol, participant=participant, body=d["body"], parent_id=d.get("parent"), ip=client_ip(request)
        ),
        back=reverse("solutions:solution", args=[sol.pk]) + "#comments",
        message=_("Your comment is published."),
        limited=LIMITED["comment"],
        invalid=_("Write a comment of at most 3,000 characters."),
    )


def _report(request, *, back: str, **target):
    return _form_action(
        request,
        form=ReportForm(request.POST),
        run=lambda d: services.report_add(
            reason=d["reason"],
            detail=d["detail"],
            participant=current_participant(request),
            ip=client_ip(request),
            **target,
        ),
        back=back,
        message=_("Thank you: moderators will review your report."),
        limited=LIMITED["report"],
        invalid=_("Choose a reason for your report."),
    )


@require_POST
def report_solution(request, pk: int):
    sol = _published_or_404(pk)
    if sol.state != SolutionState.PUBLISHED:
        raise Http404
    return _report(request, solution=sol, back=reverse("solutions:solution", args=[sol.pk]))


@require_POST
def report_comment(request, pk: int):
    c = selectors.visible_comment(pk=pk)
    if c is None:
        raise Http404
    return _report(request, comment=c, back=reverse("solutions:solution", args=[c.solution_id]))


@require_POST
def report_amendment(request, pk: int):
    a = selectors.visible_amendment(pk=pk)
    if a is None:
        raise Http404
    return _report(request, amendment=a, back=reverse("solutions:solution", args=[a.solution_id]))


# --- amendments ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def amend(request, pk: int):
    sol = _published_or_404(pk)
    if sol.state != SolutionState.PUBLISHED:
        raise Http404
    participant = current_participant(request)
    if participant is None:
        return _need_participant(request)
    back = reverse("solutions:solution", args=[sol.pk])
    if sol.author_id == participant.pk:
        return _error_page(
            request,
            _("This is your own solution: change it with Edit while its edit window is open."),
            status=403,
            back=back,
        )
    refusal = services.amendments_refusal(sol)
    if refusal:
        return _error_page(request, refusal, status=403, back=back)
    return _form_page(
        request,
        form=_bound(request, AmendmentForm, initial={"title": sol.title, "body": sol.body, "started": _started()}),
        template="solutions/amend.html",
        context={"solution": sol, "challenge": sol.challenge},
        run=lambda d: services.amendment_propose(
            solution=sol,
            participant=participant,
            data=services.AmendmentInput(title=d["title"], body=d["body"], reason=d["reason"]),
            ip=client_ip(request),
        ),
        success=lambda a: _saved(
            request, _("Thank you: your amendment is published; the author is told."), sol, f"#amendment-{a.pk}"
        ),
        limited=LIMITED["amend"],
        guarded=True,
    )


@require_POST
def amendment_answer(request, pk: int):
    a = selectors.visible_amendment(pk=pk)
    if a is None:
        raise Http404
    participant = current_participant(request)
    if not services.may_decide_amendment(amendment=a, participant=participant, user=request.user):
        raise PermissionDenied
    return _form_action(
        request,
        form=AmendmentAnswerForm(request.POST),
        run=lambda d: services.amendment_decide(
            amendment=a,
            accept=d["decision"] == "accept",
            answer=d["answer"],
            participant=participant,
            user=request.user,
        ),
        back=reverse("solutions:solution", args=[a.solution_id]) + f"#amendment-{a.pk}",
        message=lambda done: (
            _("The amendment is accepted: the solution now reads as amended, and its earlier text is kept.")
            if done.status == "accepted"
            else _("The amendment is rejected; its author is told your reason.")
        ),
        invalid=_("Choose to accept or reject the amendment."),
        guarded=False,
    )


@require_POST
def follow_challenge(request, slug: str):
    ch = selectors.challenge_public(slug=slug)
    if ch is None:
        raise Http404
    participant = current_participant(request)
    if participant is None:
        return _need_participant(request)
    now = services.follow_toggle(participant=participant, challenge=ch)
    messages.success(
        request,
        _("You follow this challenge: a digest comes by email.") if now else _("You no longer follow this challenge."),
    )
    return redirect("solutions:challenge", slug=ch.slug)


@require_POST
def follow_solution(request, pk: int):
    sol = _published_or_404(pk)
    participant = current_participant(request)
    if participant is None:
        return _need_participant(request)
    now = services.follow_toggle(participant=participant, solution=sol)
    messages.success(
        request,
        _("You follow this solution: a digest comes by email.") if now else _("You no longer follow this solution."),
    )
    return redirect("solutions:solution", pk=sol.pk)


# --- joining ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def join(request):
    if current_participant(request) is not None:
        return redirect(request.session.pop(NEXT_KEY, "") or reverse("solutions:index"))
    form = _bound(request, JoinForm, initial={"started": _started()})
    return _form_page(
        request,
        form=form,
        template="solutions/join.html",
        context={"sent": False},
        run=lambda d: services.participant_join(
            email=d["email"],
            first_name=d["first_name"],
            country=d["country"],
            language=get_language(),
            ip=client_ip(request),
        ),
        success=lambda _result: render(request, "solutions/join.html", {"form": form, "sent": True}),
        limited=LIMITED["join"],
        guarded=True,
    )


@require_http_methods(["GET", "POST"])
def join_confirm(request, token: str):
    """GET shows a button (mail scanners follow links); the POST confirms and signs in."""
    participant = services.participant_from_token(token)
    if participant is None:
        return render(request, "solutions/join_confirm.html", {"invalid": True}, status=404)
    if request.method == "POST":
        services.participant_confirm(participant_id=participant.pk)
        nxt = request.session.get(NEXT_KEY, "")
        request.session.cycle_key()
        request.session[SESSION_KEY] = participant.pk
        messages.success(request, _("Your email is confirmed. You can propose, support and comment."))
        safe = nxt if nxt.startswith("/") and not nxt.startswith("//") else ""
        return redirect(safe or reverse("solutions:index"))
    return render(request, "solutions/join_confirm.html", {"participant": participant})


@csrf_exempt  # RFC 8058: the mail client's one-click POST carries no cookie; the signed token is the proof
@require_http_methods(["GET", "POST"])
def stop_emails(request, token: str):
    """GET asks (mail scanners follow links); the POST unfollows everything."""
    person = services.participant_for_stop_token(token)
    if person is None:
        return render(request, "solutions/stop_emails.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.follows_stop_all(participant_id=person.pk)
        return render(request, "solutions/stop_emails.html", {"done": True})
    return render(request, "solutions/stop_emails.html", {"following": person.follows.exists()})


@require_POST
def sign_out(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("solutions:index")


# --- partners and staff: challenges and outcomes ---------------------------------------------


@login_required
@require_GET
def manage(request):
    challenges = selectors.manageable_challenges(user=request.user)
    partner = services.user_partner(request.user)
    if not challenges.exists() and partner is None and not request.user.has_perm("solutions.add_outcomeupdate"):
        raise PermissionDenied
    overdue = selectors.answers_overdue(challenges=challenges)
    return render(request, "solutions/manage.html", {"challenges": challenges, "partner": partner, "overdue": overdue})


@login_required
@require_http_methods(["GET", "POST"])
def manage_new(request):
    from partners.models import PartnerMembership

    is_staff = request.user.has_perm("solutions.add_challenge")
    membership = PartnerMembership.objects.filter(user=request.user, role=PartnerMembership.Role.ADMIN).first()
    if not is_staff and membership is None:
        raise PermissionDenied

    def success(ch):
        messages.success(request, _("The challenge is open."))
        return redirect("solutions:challenge", slug=ch.slug)

    return _form_page(
        request,
        form=_bound(request, ChallengeForm, initial={"languages": [get_language()], "response_days": 30}),
        template="solutions/manage_new.html",
        context={},
        run=lambda d: services.challenge_create(user=request.user, data=services.ChallengeInput(**d)),
        success=success,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_outcome(request, pk: int):
    from django.utils import timezone

    sol = _published_or_404(pk)
    if not services.may_manage_challenge(user=request.user, challenge=sol.challenge):
        raise PermissionDenied
    return _form_page(
        request,
        form=_bound(
            request,
            OutcomeForm,
            initial={"happened_on": timezone.localdate(), "outcome": sol.outcome or Outcome.SELECTED},
        ),
        template="solutions/manage_outcome.html",
        context={"solution": sol, "history": selectors.outcome_history(solution=sol)},
        run=lambda d: services.outcome_record(solution=sol, user=request.user, **d),
        success=lambda _u: _saved(request, _("The outcome is recorded; the author and followers are told."), sol),
    )
