"""Every URL and API endpoint, visited by every kind of user, answers as expected.

Each row gets a fresh world, and the roles visit in an order where a write by
the owner (member_a) cannot turn a later role's refusal into something else.
Roles: anonymous, a pledger (signed in through the magic link), a partner admin
of organisation A, a partner admin of organisation B, a curator, Partnerships
staff, a kit editor, Finance staff and a superuser. Objects in the URLs belong to
organisation A, so B must be refused exactly as a stranger would be.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from champions import services as champion_services
from champions.models import ChampionVideo
from commitments.services import domain_request, origin_request, token_create
from heforshe.roles import COMMUNICATIONS, CURATORS, FINANCE, KIT_EDITORS, MODERATORS, PARTNERSHIPS
from newsletters import tokens as newsletter_tokens
from partners.services import commitment_create, invitation_create, report_add_evidence
from pledges.views import SESSION_KEY
from solutions.services import AmendmentInput, amendment_propose, comment_add, stop_emails_url
from stories.models import ConsentKind, MediaFile, StoryState
from tests.actionkits.factories import make_kit, pdf_bytes
from tests.champions.factories import ChampionFactory
from tests.events.factories import EventFactory
from tests.factories import MembershipFactory, UserFactory, staff_user
from tests.newsletters.factories import newsletter as newsletter_factory
from tests.partners.factories import draft_report, university
from tests.pledges.factories import ConfirmedPledgeFactory
from tests.solutions.factories import ChallengeFactory, ParticipantFactory, SolutionFactory
from tests.stories.factories import CallFactory, StoryFactory, grant, published_story

ROLES = [
    "anon",
    "pledger",
    "member_a",
    "member_b",
    "curator",
    "partnerships",
    "kit_editor",
    "finance",
    "superuser",
    "moderator",
    "communications",
]

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    org_a = university(slug="org-a", name="Organisation A")
    org_b = university(slug="org-b", name="Organisation B")
    member_a = MembershipFactory(partner=org_a, role="admin").user
    member_b = MembershipFactory(partner=org_b, role="admin").user
    call = CallFactory()
    story = StoryFactory(partner=org_a, created_by=member_a, call=call, state=StoryState.DRAFT)
    grant(story, ConsentKind.FOLLOW_UP, user=member_a)
    draft_media = MediaFile(story=story, kind="photo", extension="jpg", original_name="p.jpg", size=10)
    draft_media.original.save("upload", ContentFile(b"\xff\xd8\xff\xe0 a photo"), save=False)
    draft_media.save()
    public_story = published_story(partner=org_a, created_by=member_a, call=call, slug="public-story")
    commitment = commitment_create(
        partner=org_a, title="Train students", indicator="Students", unit="students", target_value=10, baseline=0
    )
    report = draft_report(org_a, actor=member_a)
    evidence = report_add_evidence(
        report_id=report.pk,
        actor=member_a,
        upload=SimpleUploadedFile("e.pdf", pdf_bytes(), "application/pdf"),
    )
    invitation = invitation_create(
        partner=org_a, email="new.colleague@example.org", role="member", language="en", invited_by=member_a
    )
    open_kit = make_kit(slug="open-kit", languages=("en", "fr"))
    closed_kit = make_kit(slug="closed-kit", restricted_to_sector="university")
    pledge = ConfirmedPledgeFactory(newsletter=True)
    challenge = ChallengeFactory(slug="sol-challenge", partner=org_a)
    solution = SolutionFactory(challenge=challenge)
    comment = comment_add(solution=solution, participant=solution.author, body="A comment")
    amendment = amendment_propose(
        solution=solution,
        participant=ParticipantFactory(),
        data=AmendmentInput(title="An amended title", body="An amended text", reason="Clearer"),
    )
    newsletter = newsletter_factory(name="Matrix news")
    pledge = ConfirmedPledgeFactory()
    domain = domain_request(partner=org_a, domain="org-a.example", actor=member_a)
    site = origin_request(partner=org_a, origin="https://intranet.org-a.example", actor=member_a)
    token, _raw = token_create(partner=org_a, name="Registration", actor=member_a)
    champion_user = UserFactory()
    champion = ChampionFactory(slug="champ-a", user=champion_user)
    revision = champion_services.revision_submit(
        champion=champion, user=champion_user, language="fr", statement="Une proposition"
    )
    champion_video = ChampionVideo.objects.create(champion=champion, submitted_by=champion_user)
    event = EventFactory(slug="event-a", partner=org_a)
    gift = giving_world()
    users = {
        "anon": None,
        "pledger": None,
        "member_a": member_a,
        "member_b": member_b,
        "curator": staff_user(CURATORS),
        "partnerships": staff_user(PARTNERSHIPS),
        "kit_editor": staff_user(KIT_EDITORS),
        "finance": staff_user(FINANCE),
        "communications": staff_user(COMMUNICATIONS),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
        "moderator": staff_user(MODERATORS),
    }
    return {
        "users": users,
        "pledge": pledge,
        "ids": {
            "story": story.pk,
            "media": 0,
            "draft_media": draft_media.pk,
            "commitment": commitment.pk,
            "report": report.pk,
            "evidence": evidence.pk,
            "invitation": invitation.pk,
            "domain": domain.pk,
            "site": site.pk,
            "token": token.pk,
            "champion": champion.slug,
            "champion_pk": champion.pk,
            "revision": revision.pk,
            "champion_video": champion_video.pk,
            "event": event.slug,
            "org_a": org_a.slug,
            "public_story": public_story.slug,
            "public_story_pk": public_story.pk,
            "open_kit": open_kit.slug,
            "closed_kit": closed_kit.slug,
            "challenge": challenge.slug,
            "solution": solution.pk,
            "comment": comment.pk,
            "amendment": amendment.pk,
            "newsletter": newsletter.pk,
            "nl_token": newsletter_tokens.make(pledge.pk),
            "stop_token": stop_emails_url(solution.author).rstrip("/").rsplit("/", 1)[1],
            **gift,
        },
    }


def giving_world() -> dict:
    """A campaign, a paid monthly gift and its subscription (with a development-provider customer)."""
    import datetime as dt

    from django.utils import timezone

    from giving.models import Campaign, Donation, Subscription

    today = timezone.localdate()
    campaign = Campaign.objects.create(
        slug="campaign-a", title="Campaign A", goal_minor=100000, starts_on=today, ends_on=today + dt.timedelta(days=9)
    )
    sub = Subscription.objects.create(
        provider="dev",
        provider_subscription_id="sub_dev_1",
        customer_id="cus_dev_1",
        email="donor@example.org",
        amount_minor=1000,
        currency="USD",
    )
    donation = Donation.objects.create(
        campaign=campaign,
        amount_minor=1000,
        currency="USD",
        email="donor@example.org",
        provider="dev",
        status="succeeded",
        succeeded_at=timezone.now(),
        subscription=sub,
        frequency="monthly",
    )
    return {
        "campaign": campaign.slug,
        "donation": str(donation.public_id),
        "donation_pk": donation.pk,
        "subscription": sub.pk,
        "customer": sub.customer_id,
    }


def client_for(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    if role == "pledger":
        session = client.session
        session[SESSION_KEY] = world["pledge"].pk
        session.save()
    return client


A = "/en"
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0", "HTTP_UPLOAD_LENGTH": "10", "HTTP_UPLOAD_METADATA": "filename cC5qcGc="}
#            anon  pledger member_a member_b curator partnerships kit_editor finance superuser moderator communications
MATRIX: list[tuple[str, str, dict, tuple[int, ...]]] = [
    ("GET", "/healthz", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/favicon.ico", {}, (301, 301, 301, 301, 301, 301, 301, 301, 301, 301, 301)),
    ("GET", "/admin/login/", {}, (200, 200, 200, 200, 302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/api/v1/pledges/stats/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/pledges/map/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/pledges/", {}, (400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400)),
    ("GET", "/api/v1/stories/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/stories/{public_story}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/stories/{story}/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", "/api/v1/partners/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/partners/{org_a}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/action-kits/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/schema/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/docs/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/redoc/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/pledge/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/pledge/thanks/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/pledge/confirm/bad-token/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", f"{A}/pledge/privacy/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/pledge/privacy/bad-token/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", f"{A}/pledge/share.png", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/map/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/me/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/me/sign-in/bad-token/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("POST", f"{A}/me/export/", {}, (302, 200, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("POST", f"{A}/me/erase/", {}, (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("POST", f"{A}/me/sign-out/", {}, (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("GET", f"{A}/stories/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/stories/feed/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/stories/{{public_story}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/stories/{{story}}/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", f"{A}/stories/submit/", {}, (302, 302, 200, 200, 403, 403, 403, 403, 403, 403, 403)),
    ("GET", f"{A}/stories/submit/{{story}}/", {}, (302, 302, 200, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", f"{A}/stories/submit/{{story}}/people/", {}, (302, 302, 200, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", f"{A}/stories/submit/{{story}}/media.json", {}, (302, 302, 200, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", f"{A}/map/i18n.js", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    # The Commitments app: public page and widgets, the partner's dashboard, staff review, the partner API.
    ("GET", f"{A}/partners/{{org_a}}/join/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/embed/{org_a}/counter/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/embed/{org_a}/stats.json", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/embed/{org_a}/cells.json", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/embed/{org_a}/signup/send/", {}, (400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400)),
    ("POST", "/api/v1/partners/{org_a}/signups/", {}, (401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401)),
    ("GET", f"{A}/partners/dashboard/commitments/", {}, (302, 302, 200, 200, 403, 403, 403, 403, 403, 403, 403)),
    ("POST", f"{A}/partners/dashboard/commitments/page/", {}, (302, 302, 400, 400, 403, 403, 403, 403, 403, 403, 403)),
    (
        "POST",
        f"{A}/partners/dashboard/commitments/domains/",
        {},
        (302, 302, 400, 400, 403, 403, 403, 403, 403, 403, 403),
    ),
    ("POST", f"{A}/partners/dashboard/commitments/sites/", {}, (302, 302, 400, 400, 403, 403, 403, 403, 403, 403, 403)),
    (
        "POST",
        f"{A}/partners/dashboard/commitments/tokens/",
        {},
        (302, 302, 400, 400, 403, 403, 403, 403, 403, 403, 403),
    ),
    (
        "POST",
        f"{A}/partners/dashboard/commitments/organisations/",
        {},
        (302, 302, 400, 400, 403, 403, 403, 403, 403, 403, 403),
    ),
    (
        "POST",
        f"{A}/partners/dashboard/commitments/domains/{{domain}}/remove/",
        {},
        (302, 302, 302, 404, 403, 403, 403, 403, 403, 403, 403),
    ),
    (
        "POST",
        f"{A}/partners/dashboard/commitments/sites/{{site}}/remove/",
        {},
        (302, 302, 302, 404, 403, 403, 403, 403, 403, 403, 403),
    ),
    (
        "POST",
        f"{A}/partners/dashboard/commitments/tokens/{{token}}/revoke/",
        {},
        (302, 302, 302, 404, 403, 403, 403, 403, 403, 403, 403),
    ),
    ("GET", f"{A}/partners/staff/commitments/", {}, (302, 302, 403, 403, 403, 200, 403, 403, 200, 403, 403)),
    (
        "POST",
        f"{A}/partners/staff/commitments/domains/{{domain}}/",
        {"decision": "approve"},
        (302, 302, 403, 403, 403, 302, 403, 403, 302, 403, 403),
    ),
    (
        "POST",
        f"{A}/partners/staff/commitments/sites/{{site}}/",
        {"decision": "approve"},
        (302, 302, 403, 403, 403, 302, 403, 403, 302, 403, 403),
    ),
    (
        "POST",
        f"{A}/stories/submit/{{story}}/state/",
        {"action": "withdraw"},
        (302, 302, 302, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    (
        "POST",
        f"{A}/stories/submit/{{story}}/consent/withdraw/",
        {"kind": "follow_up"},
        (302, 302, 302, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    (
        "POST",
        f"{A}/stories/submit/{{story}}/media/{{media}}/delete/",
        {},
        (302, 302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    # A draft's files: its organisation and curators only; everyone else is told nothing exists.
    (
        "GET",
        f"{A}/stories/submit/{{story}}/media/{{draft_media}}/file/original",
        {},
        (404, 404, 200, 404, 200, 404, 404, 404, 200, 404, 404),
    ),
    # tus answers an upload client without a session with 403, not a redirect to a sign-in page.
    (
        "POST",
        f"{A}/stories/submit/{{story}}/uploads/",
        {"headers": TUS},
        (403, 403, 201, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    (
        "HEAD",
        f"{A}/stories/submit/{{story}}/uploads/00000000-0000-4000-8000-000000000000",
        {"headers": TUS},
        (403, 403, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    ("GET", f"{A}/partners/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/partners/{{org_a}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    # Partnerships staff and superusers have no organisation: the dashboard sends them to the staff overview.
    ("GET", f"{A}/partners/dashboard/", {}, (302, 302, 200, 200, 403, 302, 403, 403, 302, 403, 403)),
    ("POST", f"{A}/partners/dashboard/target/", {}, (302, 302, 400, 400, 403, 403, 403, 403, 403, 403, 403)),
    ("POST", f"{A}/partners/dashboard/framework/", {}, (302, 302, 302, 302, 403, 403, 403, 403, 403, 403, 403)),
    ("GET", f"{A}/partners/dashboard/commitments/new/", {}, (302, 302, 200, 200, 403, 403, 403, 403, 403, 403, 403)),
    (
        "GET",
        f"{A}/partners/dashboard/commitments/{{commitment}}/",
        {},
        (302, 302, 200, 404, 403, 403, 403, 403, 403, 403, 403),
    ),
    ("POST", f"{A}/partners/dashboard/reports/new/", {}, (302, 302, 400, 400, 403, 403, 403, 403, 403, 403, 403)),
    ("GET", f"{A}/partners/dashboard/reports/{{report}}/", {}, (302, 302, 200, 404, 403, 403, 403, 403, 403, 403, 403)),
    (
        "POST",
        f"{A}/partners/dashboard/reports/{{report}}/evidence/",
        {},
        (302, 302, 400, 404, 403, 403, 403, 403, 403, 403, 403),
    ),
    ("GET", f"{A}/partners/evidence/{{evidence}}/", {}, (302, 302, 200, 404, 404, 200, 404, 404, 200, 404, 404)),
    (
        "POST",
        f"{A}/partners/dashboard/reports/{{report}}/evidence/{{evidence}}/remove/",
        {},
        (302, 302, 302, 404, 403, 403, 403, 403, 403, 403, 403),
    ),
    ("POST", f"{A}/partners/dashboard/invite/", {}, (302, 302, 400, 400, 403, 403, 403, 403, 403, 403, 403)),
    (
        "POST",
        f"{A}/partners/dashboard/invitations/{{invitation}}/revoke/",
        {},
        (302, 302, 302, 404, 403, 403, 403, 403, 403, 403, 403),
    ),
    ("GET", f"{A}/partners/dashboard/qr.svg", {}, (302, 302, 200, 200, 403, 403, 403, 403, 403, 403, 403)),
    ("GET", f"{A}/partners/invitations/bad-token/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", f"{A}/partners/staff/", {}, (302, 302, 403, 403, 403, 200, 403, 403, 200, 403, 403)),
    ("GET", f"{A}/partners/staff/export.csv", {}, (302, 302, 403, 403, 403, 200, 403, 403, 200, 403, 403)),
    ("GET", f"{A}/partners/staff/reports/{{report}}/", {}, (302, 302, 403, 403, 403, 200, 403, 403, 200, 403, 403)),
    ("GET", f"{A}/action-kits/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/action-kits/staff/translations/", {}, (302, 302, 403, 403, 403, 403, 200, 403, 200, 403, 403)),
    ("GET", f"{A}/action-kits/{{open_kit}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/action-kits/{{open_kit}}/download/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/action-kits/{{closed_kit}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/action-kits/{{closed_kit}}/download/", {}, (302, 302, 200, 200, 403, 403, 200, 403, 200, 403, 403)),
    ("GET", "/admin/", {}, (302, 302, 302, 302, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/admin/pledges/pledge/", {}, (302, 302, 302, 302, 403, 200, 403, 403, 200, 403, 403)),
    ("GET", "/admin/stories/story/", {}, (302, 302, 302, 302, 200, 403, 403, 403, 200, 403, 403)),
    ("GET", "/admin/partners/partner/", {}, (302, 302, 302, 302, 200, 200, 200, 200, 200, 403, 200)),
    ("GET", "/admin/partners/progressreport/", {}, (302, 302, 302, 302, 403, 200, 403, 403, 200, 403, 403)),
    ("GET", "/admin/actionkits/actionkit/", {}, (302, 302, 302, 302, 403, 403, 200, 403, 200, 403, 403)),
    ("GET", "/admin/stories/story/queue/", {}, (302, 302, 302, 302, 200, 403, 403, 403, 200, 403, 403)),
    (
        "GET",
        "/admin/stories/story/{public_story_pk}/review/",
        {},
        (302, 302, 302, 302, 200, 403, 403, 403, 200, 403, 403),
    ),
    (
        "POST",
        "/admin/stories/story/{public_story_pk}/review/",
        {"decision": "feature"},
        (302, 302, 302, 302, 302, 403, 403, 403, 302, 403, 403),
    ),
    (
        "GET",
        "/admin/stories/story/{public_story_pk}/preview/ar/",
        {},
        (302, 302, 302, 302, 200, 403, 403, 403, 200, 403, 403),
    ),
    ("GET", f"{A}/newsletters/unsubscribe/bad-token/", {}, (400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400)),
    ("POST", f"{A}/newsletters/unsubscribe/{{nl_token}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/newsletters/preferences/{{nl_token}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", f"{A}/newsletters/preferences/bad-token/", {}, (400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400)),
    # Not configured in tests (no shared secret): every provider's endpoint is absent.
    ("POST", "/anymail/mailgun/tracking/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", "/admin/newsletters/newsletter/", {}, (302, 302, 302, 302, 403, 403, 403, 403, 200, 403, 200)),
    ("GET", "/admin/newsletters/newsletter/add/", {}, (302, 302, 302, 302, 403, 403, 403, 403, 200, 403, 200)),
    (
        "GET",
        "/admin/newsletters/newsletter/{newsletter}/change/",
        {},
        (302, 302, 302, 302, 403, 403, 403, 403, 200, 403, 200),
    ),
    (
        "GET",
        "/admin/newsletters/newsletter/{newsletter}/preview/en/",
        {},
        (302, 302, 302, 302, 403, 403, 403, 403, 200, 403, 200),
    ),
    (
        "POST",
        "/admin/newsletters/newsletter/{newsletter}/do/test/",
        {},
        (302, 302, 302, 302, 403, 403, 403, 403, 302, 403, 302),
    ),
    ("GET", "/admin/newsletters/delivery/", {}, (302, 302, 302, 302, 403, 403, 403, 403, 200, 403, 200)),
    ("GET", "/admin/newsletters/suppression/", {}, (302, 302, 302, 302, 403, 403, 403, 403, 200, 403, 200)),
    ("GET", "/admin/newsletters/staffdigest/", {}, (302, 302, 302, 302, 403, 403, 403, 403, 200, 403, 200)),
    ("GET", f"{A}/champions/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/champions/mine/", {}, (302, 302, 403, 403, 403, 403, 403, 403, 403, 403, 403)),
    ("GET", f"{A}/champions/staff/", {}, (302, 302, 403, 403, 403, 200, 403, 403, 200, 403, 403)),
    (
        "POST",
        f"{A}/champions/staff/{{champion_pk}}/invite/",
        {},
        (302, 302, 403, 403, 403, 302, 403, 403, 302, 403, 403),
    ),
    (
        "POST",
        f"{A}/champions/staff/revisions/{{revision}}/",
        {},
        (302, 302, 403, 403, 403, 302, 403, 403, 302, 403, 403),
    ),
    ("POST", f"{A}/champions/mine/video/", {}, (302, 302, 403, 403, 403, 403, 403, 403, 403, 403, 403)),
    (
        "POST",
        f"{A}/champions/staff/{{champion_pk}}/video/",
        {},
        (302, 302, 403, 403, 403, 302, 403, 403, 302, 403, 403),
    ),
    (
        "POST",
        f"{A}/champions/staff/videos/{{champion_video}}/",
        {},
        (302, 302, 403, 403, 403, 302, 403, 403, 302, 403, 403),
    ),
    ("GET", f"{A}/champions/invitations/bad-token/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", f"{A}/champions/{{champion}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/champions/{{champion}}/share.png", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/champions/{{champion}}/reach.json", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/events/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/events/past/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    # Organisers: members of the organising partner and Partnerships staff; another partner is told nothing exists.
    ("GET", f"{A}/events/manage/", {}, (302, 302, 200, 200, 403, 200, 403, 403, 200, 403, 403)),
    ("GET", f"{A}/events/manage/new/", {}, (302, 302, 200, 200, 403, 200, 403, 403, 200, 403, 403)),
    ("GET", f"{A}/events/manage/{{event}}/", {}, (302, 302, 200, 404, 403, 200, 403, 403, 200, 403, 403)),
    ("POST", f"{A}/events/manage/{{event}}/cancel/", {}, (302, 302, 302, 404, 404, 302, 404, 404, 302, 404, 404)),
    ("GET", f"{A}/events/manage/{{event}}/check-in/", {}, (302, 302, 200, 404, 404, 200, 404, 404, 200, 404, 404)),
    ("GET", f"{A}/events/feeds/partner/{{org_a}}.ics", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/events/feeds/country/KE.ics", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/events/registration/bad-token/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", f"{A}/events/registration/bad-token/confirm/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    (
        "GET",
        f"{A}/events/registration/bad-token/event.ics",
        {},
        (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    ("GET", f"{A}/events/{{event}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", f"{A}/events/{{event}}/register/", {}, (400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400)),
    ("GET", f"{A}/events/{{event}}/event.ics", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/admin/champions/champion/", {}, (302, 302, 302, 302, 403, 200, 403, 403, 200, 403, 403)),
    ("GET", "/admin/champions/revision/", {}, (302, 302, 302, 302, 403, 200, 403, 403, 200, 403, 403)),
    ("GET", "/admin/events/event/", {}, (302, 302, 302, 302, 403, 200, 403, 403, 200, 403, 403)),
    # Giving: public pages for everyone; donor data and sponsor statements for Finance (and superusers) only.
    ("GET", f"{A}/give/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/give/campaigns/{{campaign}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/give/campaigns/{{campaign}}/give/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    (
        "GET",
        f"{A}/give/campaigns/{{campaign}}/progress.json",
        {},
        (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    ("GET", f"{A}/give/thanks/{{donation}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/give/cancelled/{{donation}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/give/my-gifts/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/give/my-gifts/sign-in/bad-token/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    (
        "POST",
        f"{A}/give/my-gifts/manage/{{subscription}}/",
        {},
        (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    ),
    ("GET", f"{A}/give/my-gifts/receipts/{{donation}}/", {}, (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("POST", f"{A}/give/my-gifts/sign-out/", {}, (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("GET", f"{A}/give/dev/checkout/cs_unknown/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", f"{A}/give/dev/portal/{{customer}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/give/staff/", {}, (302, 302, 403, 403, 403, 403, 403, 200, 200, 403, 403)),
    ("GET", f"{A}/give/staff/statement.csv", {}, (302, 302, 403, 403, 403, 403, 403, 200, 200, 403, 403)),
    ("GET", f"{A}/give/staff/donations.csv", {}, (302, 302, 403, 403, 403, 403, 403, 200, 200, 403, 403)),
    ("POST", "/giving/webhooks/dev/", {}, (400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400)),
    ("POST", "/giving/webhooks/stripe/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", "/admin/giving/donation/", {}, (302, 302, 302, 302, 403, 403, 403, 200, 200, 403, 403)),
    (
        "GET",
        "/admin/giving/donation/{donation_pk}/change/",
        {},
        (302, 302, 302, 302, 403, 403, 403, 200, 200, 403, 403),
    ),
    (
        "GET",
        "/admin/giving/donation/{donation_pk}/refund/",
        {},
        (302, 302, 302, 302, 403, 403, 403, 200, 200, 403, 403),
    ),
    ("GET", "/admin/giving/subscription/", {}, (302, 302, 302, 302, 403, 403, 403, 200, 200, 403, 403)),
    ("GET", "/admin/giving/providerevent/", {}, (302, 302, 302, 302, 403, 403, 403, 200, 200, 403, 403)),
    ("GET", "/admin/giving/campaign/", {}, (302, 302, 302, 302, 403, 403, 403, 200, 200, 403, 403)),
    ("GET", "/admin/giving/offer/", {}, (302, 302, 302, 302, 403, 403, 403, 200, 200, 403, 403)),
    ("GET", "/admin/giving/sponsoragreement/", {}, (302, 302, 302, 302, 403, 403, 403, 200, 200, 403, 403)),
    ("GET", "/admin/giving/exchangerate/", {}, (302, 302, 302, 302, 403, 403, 403, 200, 200, 403, 403)),
    ("GET", "/admin/giving/currencyoption/", {}, (302, 302, 302, 302, 403, 403, 403, 200, 200, 403, 403)),
    ("GET", f"{A}/solutions/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/solutions/search/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/solutions/map/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    # A pledger is a participant through his session: nothing to join.
    ("GET", f"{A}/solutions/join/", {}, (200, 302, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/solutions/join/bad-token/", {}, (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404)),
    # The follow emails' one-click stop link: the signed token is the only key, for anyone, with no cookie.
    ("GET", f"{A}/solutions/stop-emails/bad-token/", {}, (400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400)),
    ("POST", f"{A}/solutions/stop-emails/{{stop_token}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", f"{A}/solutions/sign-out/", {}, (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("GET", f"{A}/solutions/manage/", {}, (302, 302, 200, 200, 403, 200, 403, 403, 200, 403, 403)),
    ("GET", f"{A}/solutions/manage/new/", {}, (302, 302, 200, 200, 403, 200, 403, 403, 200, 403, 403)),
    # Only the challenge's own partner (org A) and staff answering solutions may record an outcome.
    (
        "GET",
        f"{A}/solutions/manage/solutions/{{solution}}/outcome/",
        {},
        (302, 302, 200, 403, 403, 200, 403, 403, 200, 403, 403),
    ),
    ("GET", f"{A}/solutions/c/{{challenge}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/solutions/c/{{challenge}}/propose/", {}, (302, 200, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("POST", f"{A}/solutions/c/{{challenge}}/follow/", {}, (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("GET", f"{A}/solutions/{{solution}}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", f"{A}/solutions/{{solution}}/edit/", {}, (403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403)),
    ("POST", f"{A}/solutions/{{solution}}/withdraw/", {}, (403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403)),
    ("POST", f"{A}/solutions/{{solution}}/support/", {}, (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("POST", f"{A}/solutions/{{solution}}/comment/", {}, (302, 400, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("POST", f"{A}/solutions/{{solution}}/report/", {}, (400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400)),
    ("POST", f"{A}/solutions/{{solution}}/follow/", {}, (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    # Any participant but the author may propose an amendment (staff accounts are not participants).
    ("GET", f"{A}/solutions/{{solution}}/amend/", {}, (302, 200, 302, 302, 302, 302, 302, 302, 302, 302, 302)),
    # The solution's author or a moderator answers an amendment (400: the empty form); nobody else.
    (
        "POST",
        f"{A}/solutions/amendments/{{amendment}}/answer/",
        {},
        (403, 403, 403, 403, 403, 403, 403, 403, 400, 400, 403),
    ),
    (
        "POST",
        f"{A}/solutions/amendments/{{amendment}}/report/",
        {},
        (400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400),
    ),
    (
        "POST",
        f"{A}/solutions/comments/{{comment}}/report/",
        {},
        (400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400),
    ),
    ("GET", "/api/v1/solutions/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/solutions/{solution}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/solutions/challenges/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/solutions/challenges/{challenge}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/events/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/events/past/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/events/{event}/", {}, (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/admin/solutions/solution/", {}, (302, 302, 302, 302, 403, 200, 403, 403, 200, 200, 403)),
    (
        "GET",
        "/admin/solutions/solution/{solution}/moderate/",
        {},
        (302, 302, 302, 302, 403, 403, 403, 403, 200, 200, 403),
    ),
    ("GET", "/admin/solutions/challenge/", {}, (302, 302, 302, 302, 403, 200, 403, 403, 200, 200, 403)),
    ("GET", "/admin/solutions/comment/", {}, (302, 302, 302, 302, 403, 403, 403, 403, 200, 200, 403)),
    ("GET", "/admin/solutions/amendment/", {}, (302, 302, 302, 302, 403, 403, 403, 403, 200, 200, 403)),
    (
        "GET",
        "/admin/solutions/amendment/{amendment}/change/",
        {},
        (302, 302, 302, 302, 403, 403, 403, 403, 200, 200, 403),
    ),
    ("GET", "/admin/solutions/report/", {}, (302, 302, 302, 302, 403, 403, 403, 403, 200, 200, 403)),
    ("GET", "/admin/auth/user/", {}, (302, 302, 302, 302, 403, 403, 403, 403, 200, 403, 403)),
]


@pytest.mark.parametrize(("method", "path", "data", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _d, _e in MATRIX])
def test_authorisation_matrix(world, method, path, data, expected):
    from django.test import Client

    data = dict(data)
    headers = data.pop("headers", {})
    actual = []
    for role in ROLES:
        client = client_for(Client(), world, role)
        url = path.format(**world["ids"])
        if method == "GET":
            response = client.get(url, **headers)
        elif method == "POST":
            response = client.post(url, data, **headers)
        else:
            response = client.generic(method, url, **headers)
        actual.append(response.status_code)
    assert dict(zip(ROLES, actual, strict=True)) == dict(zip(ROLES, expected, strict=True))


def test_the_matrix_covers_every_url_pattern():
    """A new URL must be added to the matrix: every route outside admin and allauth is listed."""
    from django.urls import URLPattern, URLResolver, get_resolver, resolve

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                route = str(p.pattern)
                if route.startswith(("admin/", "accounts/", "i18n/")) or route.startswith("^"):
                    continue
                yield from walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern) and not str(p.pattern).startswith("^"):
                yield prefix + str(p.pattern)

    dummy = {
        key: "1"
        for key in (
            "story",
            "media",
            "draft_media",
            "commitment",
            "report",
            "evidence",
            "invitation",
            "public_story_pk",
        )
    }
    dummy |= {key: "1" for key in ("solution", "comment", "amendment")}
    dummy |= {key: "some-slug" for key in ("org_a", "public_story", "open_kit", "closed_kit", "challenge")}
    dummy |= {key: "1" for key in ("domain", "site", "token")}
    dummy |= {key: "1" for key in ("story", "media", "draft_media", "commitment", "report", "evidence", "invitation")}
    dummy |= {key: "1" for key in ("champion_pk", "revision", "champion_video")}
    dummy |= {key: "some-slug" for key in ("org_a", "public_story", "open_kit", "closed_kit", "champion", "event")}
    dummy |= {"campaign": "some-slug", "donation": "00000000-0000-4000-8000-000000000000", "donation_pk": "1"}
    dummy |= {"subscription": "1", "customer": "cus_1"}
    dummy |= {"newsletter": "1", "nl_token": "some-token", "stop_token": "some-token"}
    listed = {resolve(path.format(**dummy)).route for _m, path, _d, _e in MATRIX}
    missing = sorted(set(walk(get_resolver().url_patterns)) - listed)
    assert not missing, missing
