"""Reads of solutions: the challenge list, one challenge's page of solutions, search and the map.

The default order is random but stable for each visitor, so early solutions do not win by age:
every solution has a fixed `random_key`, and each visitor gets a `seed` in his session. His list is
the circle of keys starting at the seed: keys >= seed in order, then keys < seed. Both halves are
index range scans on (challenge, state, random_key), so the page costs the same at 100 solutions or
at 100,000: one COUNT (with the size of the first half) and two short LIMIT queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from solutions.models import (
    Amendment,
    Challenge,
    Comment,
    CommentState,
    Follow,
    OutcomeUpdate,
    Participant,
    Solution,
    SolutionState,
    Support,
)
from solutions.services import search_config

SORTS = ("random", "supported", "newest", "discussed")
PER_PAGE = 20


@dataclass
class Filters:
    sort: str = "random"
    q: str = ""
    country: str = ""
    language: str = ""
    status: str = ""  # "", an Outcome value, or "open" (no outcome yet)
    pillar: str = ""


@dataclass
class Page:
    solutions: list[Solution]
    total: int
    number: int
    pages: int
    filters: Filters = field(default_factory=Filters)
    cap: int = 10_000

    @property
    def capped(self) -> bool:
        return self.total > self.cap

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def challenges_public(*, pillar: str = "", country: str = "") -> QuerySet[Challenge]:
    qs = Challenge.objects.filter(is_published=True, opens_at__lte=timezone.now()).select_related("partner")
    if pillar:
        qs = qs.filter(pillar=pillar)
    if country:
        qs = qs.filter(country=country)
    return qs.order_by("-opens_at")


def challenge_public(*, slug: str) -> Challenge | None:
    return challenges_public().filter(slug=slug).first()


def challenges_with_counts(*, pillar: str = "", country: str = "") -> list[Challenge]:
    return list(
        challenges_public(pillar=pillar, country=country).annotate(
            n_solutions=Count("solutions", filter=Q(solutions__state=SolutionState.PUBLISHED)),
            n_outcomes=Count(
                "solutions", filter=Q(solutions__state=SolutionState.PUBLISHED) & ~Q(solutions__outcome="")
            ),
        )
    )


def _filtered(challenge: Challenge | None, filters: Filters) -> QuerySet[Solution]:
    qs = Solution.objects.filter(state=SolutionState.PUBLISHED)
    if challenge is not None:
        qs = qs.filter(challenge=challenge)
    else:
        qs = qs.filter(challenge__is_published=True)
        if filters.pillar:
            qs = qs.filter(challenge__pillar=filters.pillar)
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.status == "open":
        qs = qs.filter(outcome="")
    elif filters.status:
        qs = qs.filter(outcome=filters.status)
    if filters.q:
        qs = search(qs, filters.q)
    return qs


def solutions_filtered(*, challenge: Challenge | None, filters: Filters) -> QuerySet[Solution]:
    """Published solutions matching the filters and search, unordered (the API orders and pages them)."""
    return _filtered(challenge, filters)


def search(qs: QuerySet[Solution], q: str) -> QuerySet[Solution]:
    """Full-text search in the visitor's language (stemmed) and word for word in any language.

    Each solution's vector holds its text in its own language's configuration and in 'simple';
    the query is parsed with the page language's configuration OR 'simple', so a French word finds
    French solutions by stem and any solution containing the very word.
    """
    q = q.strip()[:200]
    if not q:
        return qs
    if connection.vendor != "postgresql":
        return qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    from django.contrib.postgres.search import SearchQuery

    config = search_config(get_language() or settings.LANGUAGE_CODE)
    query = SearchQuery(q, config=config, search_type="websearch") | SearchQuery(
        q, config="simple", search_type="websearch"
    )
    return qs.filter(search_vector=query)


LIST_FIELDS = (
    "id",
    "challenge_id",
    "author_id",
    "title",
    "body_html",
    "language",
    "country",
    "town",
    "pseudonym",
    "support_count",
    "comment_count",
    "outcome",
    "outcome_partner_id",
    "outcome_at",
    "threshold_reached_at",
    "response_due_at",
    "photo",
    "photo_status",
    "created_at",
    "state",
    "random_key",
)


COUNT_CAP = 10_000  # "More than 10,000 solutions": counting further costs time and tells a reader nothing more
# A search stops counting sooner ("More than 1,000 results"): an exact count of a common word is a
# bitmap heap scan over every match (70 ms for a word in all 100,000 solutions), a capped one stops
# after SEARCH_COUNT_CAP + 1 rows (under 8 ms for any word of the benchmark). See bench/solutions.py.
SEARCH_COUNT_CAP = 1_000


def _count(qs: QuerySet[Solution], cap: int) -> int:
    """COUNT(*) of at most `cap` + 1 rows, so that the cost is bounded whatever the size of the challenge."""
    return qs.order_by().values("pk")[: cap + 1].count()


def solutions_page(*, challenge: Challenge | None, filters: Filters, seed: int = 0, page: int = 1) -> Page:
    """One page of published solutions in the chosen order, with a constant number of queries.

    Counts stop at COUNT_CAP (SEARCH_COUNT_CAP for a search; the page shows "More than ...") and
    pages stop there too.
    """
    base = _filtered(challenge, filters)
    cap = SEARCH_COUNT_CAP if filters.q else COUNT_CAP
    page = max(1, min(page, cap // PER_PAGE))
    offset = (page - 1) * PER_PAGE
    rows = base.select_related("author", "outcome_partner").only(
        *LIST_FIELDS, "author__first_name", "author__country", "outcome_partner__name", "outcome_partner__slug"
    )
    sort = filters.sort if filters.sort in SORTS else "random"
    total = _count(base, cap)
    # A search with at most `cap` matches: "+ 0" keeps the planner from walking a whole order index
    # while filtering on the text (slow for a rare word); the matches come from the GIN index and are
    # sorted. A word with more matches finds a page sooner by walking the order index.
    few = bool(filters.q) and total <= cap
    if sort == "random":
        # Where the visitor's circle of keys wraps: how many rows lie at or after his seed (bounded).
        ahead = _count(base.filter(random_key__gte=seed), offset + PER_PAGE)
        first_start = min(offset, ahead)
        key = F("random_key") + 0 if few else F("random_key")
        first = list(rows.filter(random_key__gte=seed).order_by(key, "id")[first_start : first_start + PER_PAGE])
        rest_start = max(0, offset - ahead)
        rest = list(rows.filter(random_key__lt=seed).order_by(key, "id")[rest_start : rest_start + PER_PAGE])
        solutions = (first + rest)[:PER_PAGE]
    else:
        column = {"supported": "support_count", "newest": "created_at", "discussed": "comment_count"}[sort]
        key = F(column) + 0 if few and sort != "newest" else F(column)
        solutions = list(rows.order_by(key.desc(), "-id")[offset : offset + PER_PAGE])
    pages = max(1, -(-min(total, cap) // PER_PAGE))
    return Page(solutions=solutions, total=total, number=page, pages=pages, filters=filters, cap=cap)


def solution_visible(*, pk: int) -> Solution | None:
    """A solution of a published challenge, whatever its state (the view says why one is not shown)."""
    return (
        Solution.objects.select_related("challenge", "challenge__partner", "author", "outcome_partner")
        .filter(pk=pk, challenge__is_published=True)
        .first()
    )


def comments_for(*, solution: Solution) -> list[Comment]:
    """Top-level comments, each with its replies in `thread`; hidden ones stay as placeholders."""
    comments = list(solution.comments.select_related("author").order_by("created_at", "id"))
    top = []
    by_id = {}
    for c in comments:
        c.thread = []
        by_id[c.pk] = c
    for c in comments:
        if c.parent_id and c.parent_id in by_id:
            by_id[c.parent_id].thread.append(c)
        else:
            top.append(c)
    return top


def amendments_for(*, solution: Solution, with_diff: bool = True) -> list[Amendment]:
    """A solution's amendments, newest first; each visible one carries its word diff in `diff_title`/`diff_body`.

    Hidden and removed ones stay as placeholders (the template says why, never what).
    """
    from solutions import diff

    amendments = list(solution.amendments.select_related("author").order_by("-created_at", "-id"))
    for a in amendments:
        if with_diff and a.state == CommentState.VISIBLE:
            a.diff_title = diff.words(a.base_title, a.title)
            a.diff_body = diff.words(a.base_body, a.body)
    return amendments


def visible_amendment(*, pk: int) -> Amendment | None:
    return (
        Amendment.objects.select_related("solution", "solution__challenge", "solution__author")
        .filter(pk=pk, state=CommentState.VISIBLE, solution__state=SolutionState.PUBLISHED)
        .first()
    )


def outcome_history(*, solution: Solution) -> list[OutcomeUpdate]:
    return list(solution.outcome_updates.select_related("partner").order_by("-happened_on", "-id"))


def supported_ids(*, participant: Participant | None, solution_ids: list[int]) -> set[int]:
    if participant is None or not solution_ids:
        return set()
    return set(
        Support.objects.filter(participant=participant, solution_id__in=solution_ids).values_list(
            "solution_id", flat=True
        )
    )


def follows(*, participant: Participant | None, challenge=None, solution=None) -> bool:
    if participant is None:
        return False
    return Follow.objects.filter(participant=participant, challenge=challenge, solution=solution).exists()


def support_count(*, solution: Solution) -> int:
    """The folded count plus supports since the last fold: a person sees his own support at once."""
    from solutions.counting import pending_delta

    return max(0, solution.support_count + pending_delta(solution_id=solution.pk))


def visible_comment(*, pk: int) -> Comment | None:
    return (
        Comment.objects.select_related("solution", "solution__challenge")
        .filter(pk=pk, state=CommentState.VISIBLE, solution__state=SolutionState.PUBLISHED)
        .first()
    )


def solutions_map() -> dict:
    """Published solutions per country; a country with fewer than the map's minimum folds into "other"."""
    from pledges.selectors import MIN_CELL_COUNT

    key = "solutions:map:v1"
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = (
        Solution.objects.filter(state=SolutionState.PUBLISHED, challenge__is_published=True)
        .values("country")
        .annotate(n=Count("id"))
        .order_by("-n", "country")
    )
    countries = {}
    other = 0
    for row in rows:
        if row["n"] >= MIN_CELL_COUNT:
            countries[row["country"]] = row["n"]
        else:
            other += row["n"]
    result = {"countries": countries, "other": other, "min_count": MIN_CELL_COUNT}
    cache.set(key, result, timeout=60)
    return result


def moderation_queue() -> QuerySet[Solution]:
    return Solution.objects.filter(
        Q(state=SolutionState.PENDING_REVIEW) | Q(report_count__gt=0, state=SolutionState.PUBLISHED)
    )


def manageable_challenges(*, user) -> QuerySet[Challenge]:
    from solutions.services import user_partner

    if user.has_perm("solutions.add_outcomeupdate"):
        return Challenge.objects.all().select_related("partner")
    partner = user_partner(user)
    if partner is None:
        return Challenge.objects.none()
    return Challenge.objects.filter(partner=partner).select_related("partner")


def answers_overdue(*, challenges: QuerySet[Challenge]) -> list[Solution]:
    """Solutions of these challenges that reached the threshold and were not answered in time."""
    return list(
        Solution.objects.filter(
            challenge__in=challenges,
            state=SolutionState.PUBLISHED,
            outcome="",
            response_due_at__lt=timezone.now(),
        )
        .select_related("outcome_partner")
        .order_by("response_due_at")[:50]
    )
