"""axe-core (WCAG 2.1 A and AA) on every public page and form, in English and in Arabic, and a keyboard-only pledge.

Each test builds the data its pages need once, then visits them all and
collects the serious and critical violations, so that one failure names every
page at fault and not only the first.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS = ["en", "ar"]


@pytest.fixture(autouse=True)
def _a11y_settings(settings, live_server):
    settings.PLEDGE_MIN_FILL_SECONDS = 0
    settings.PLEDGE_RATE_LIMITS = [("burst", 1000, 60), ("sustained", 10000, 3600)]
    settings.SITE_URL = live_server.url


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


class Audit:
    """Visits pages and keeps their serious or critical violations."""

    def __init__(self, page, base: str, lang: str) -> None:
        self.page, self.base, self.lang = page, base, lang
        self.found: dict[str, list[dict]] = {}
        self.checked: list[str] = []

    def check(self, path: str, *, expect_status: int = 200, navigate: bool = True) -> None:
        if navigate:
            response = self.page.goto(f"{self.base}/{self.lang}{path}")
            assert response.status == expect_status, (path, response.status)
        assert self.page.locator("html").get_attribute("lang") == self.lang
        assert self.page.locator("html").get_attribute("dir") == ("rtl" if self.lang == "ar" else "ltr")
        self.checked.append(self.page.url)
        violations = serious_violations(self.page)
        if violations:
            self.found[self.page.url] = violations

    def assert_clean(self) -> None:
        assert self.checked
        assert self.found == {}


@pytest.mark.parametrize("lang", LANGS)
def test_site_and_account_pages(page, live_server, lang):
    audit = Audit(page, live_server.url, lang)
    audit.check("/")
    audit.check("/accounts/login/")
    audit.check("/accounts/signup/")
    audit.check("/accounts/password/reset/")
    audit.check("/no-such-page/", expect_status=404)
    audit.assert_clean()
    # The audit is not blind: an unlabelled field and an image without alt text are caught.
    page.evaluate("""() => {
        document.querySelector('main').insertAdjacentHTML('beforeend', '<input type="text"><img src="/x.png">');
    }""")
    assert {"label", "image-alt"} <= {v["id"] for v in serious_violations(page)}


@pytest.mark.parametrize("lang", LANGS)
def test_pledge_pages(page, live_server, mailoutbox, lang):
    from pledges import tokens
    from pledges.models import Level, Pillar
    from pledges.services import pledge_confirm
    from tests.pledges.factories import ActionFactory, PledgeFactory

    for level in Level.values:
        ActionFactory(pillar=Pillar.VIOLENCE, level=level)
    for _ in range(6):
        pledge_confirm(pledge_id=PledgeFactory(country="JO").pk)
    pending = PledgeFactory(country="JO", first_name="Omar")
    confirmed = PledgeFactory(country="JO", first_name="Yusuf")
    pledge_confirm(pledge_id=confirmed.pk)

    audit = Audit(page, live_server.url, lang)
    audit.check("/pledge/")
    # The form sent empty: every error is announced and tied to its field.
    page.locator("form.pledge-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_email[aria-invalid=true], .has-error").count() > 0
    audit.check("/pledge/", navigate=False)
    page.goto(f"{live_server.url}/{lang}/pledge/")
    page.fill("#id_first_name", "Tariq")
    page.fill("#id_email", "tariq@example.org")
    page.select_option("#id_country", "JO")
    page.check("#id_consent")
    page.locator("form.pledge-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/pledge/thanks/$"))
    audit.check("/pledge/thanks/", navigate=False)
    audit.check(f"/pledge/confirm/{tokens.make(tokens.CONFIRM, pending.pk)}/")
    audit.check("/pledge/confirm/not-a-token/", expect_status=404)
    audit.check("/map/")
    audit.check("/me/")  # signed out
    audit.check("/pledge/privacy/")
    audit.check(f"/me/sign-in/{tokens.make(tokens.SIGN_IN, confirmed.pk)}/")
    page.locator("main form button[type=submit], #main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf".*/{lang}/me/$"))
    audit.check("/me/", navigate=False)  # signed in, with the catalogue
    audit.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_story_pages_and_submission_steps(page, live_server, lang):
    from django.utils import timezone

    from stories import services
    from stories.models import ConsentKind, Story, StoryState
    from tests.stories.factories import CallFactory, StoryFactory, grant, jpeg_bytes, partner_member, upload

    user, partner = partner_member()
    CallFactory()
    published = StoryFactory(partner=partner, created_by=user, title="Fathers who cook")
    grant(published, ConsentKind.PUBLISH, ConsentKind.QUOTE, ConsentKind.MEDIA)
    content = jpeg_bytes(1200, 800)
    services.media_add(story=published, user=user, fileobj=upload("a.jpg", content), name="a.jpg", size=len(content))
    # Published directly: the moderation itself is journey c's business.
    Story.objects.filter(pk=published.pk).update(state=StoryState.PUBLISHED, published_at=timezone.now(), featured=True)
    draft = StoryFactory(partner=partner, created_by=user, title="A draft")
    services.media_add(story=draft, user=user, fileobj=upload("b.jpg", content), name="b.jpg", size=len(content))

    audit = Audit(page, live_server.url, lang)
    audit.check("/stories/")
    audit.check(f"/stories/{published.slug}/")
    sign_in(page, live_server, user)
    audit.check("/stories/submit/")
    for step in ("people", "action", "quote", "media", "consents"):
        audit.check(f"/stories/submit/{draft.pk}/{step}/")
    # A step sent with errors.
    page.goto(f"{live_server.url}/{lang}/stories/submit/{draft.pk}/people/")
    page.fill("#id_title", "")
    page.fill("#id_heroes", "")
    page.fill("#id_ages", "x" * 200)
    page.click("button[name=stay]")
    page.wait_for_load_state()
    audit.check(f"/stories/submit/{draft.pk}/people/", navigate=False)
    audit.check(f"/stories/submit/{draft.pk}/")  # the status page
    audit.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_partner_pages(page, live_server, lang):
    from partners.services import commitments_adopt_framework
    from tests.partners.factories import confirmed_pledges, draft_report, partner_admin, university

    partner = university(name="University of Toronto")
    partner.signup_target = 50
    partner.save()
    admin = partner_admin(partner)
    commitments_adopt_framework(partner=partner)
    confirmed_pledges(partner, 12)
    report = draft_report(partner, actor=admin)

    audit = Audit(page, live_server.url, lang)
    audit.check("/partners/")
    audit.check(f"/partners/{partner.slug}/")
    sign_in(page, live_server, admin)
    audit.check("/partners/dashboard/")
    audit.check(f"/partners/dashboard/reports/{report.pk}/")
    audit.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_action_kit_pages(page, live_server, lang):
    from actionkits.models import Audience
    from tests.actionkits.factories import make_kit

    both = make_kit(languages=("en", "ar"))
    english_only = make_kit(slug="companies", audience=Audience.CORPORATIONS)

    audit = Audit(page, live_server.url, lang)
    audit.check("/action-kits/")
    audit.check(f"/action-kits/{both.slug}/")  # in the visitor's language
    audit.check(f"/action-kits/{english_only.slug}/")  # English for Arabic visitors, with the notice
    if lang == "ar":
        assert page.locator(".kit-fallback").is_visible()
    audit.assert_clean()


# --- keyboard only ---------------------------------------------------------------------


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user moves through the page."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        seen.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    raise AssertionError(f"{selector} never got the focus; focus went to {seen}")


@pytest.mark.parametrize("lang", LANGS)
def test_a_keyboard_user_takes_the_pledge(page, live_server, lang):
    from pledges.models import Pledge

    page.goto(f"{live_server.url}/{lang}/pledge/")
    tab_to(page, "#id_first_name")
    page.keyboard.type("Tariq")
    tab_to(page, "#id_email", limit=1)
    page.keyboard.type("keys@example.org")
    tab_to(page, "#id_country", limit=4)  # past the two optional fields
    if lang == "en":
        page.keyboard.type("Jordan")  # the list's type-ahead
    else:
        for _ in range(300):  # arrow keys through the Arabic list
            page.keyboard.press("ArrowDown")
            if page.input_value("#id_country") == "JO":
                break
    assert page.input_value("#id_country") == "JO"
    tab_to(page, "#id_consent", limit=4)  # past the town and the privacy notice
    page.keyboard.press("Space")
    assert page.is_checked("#id_consent")
    tab_to(page, "form.pledge-form button[type=submit]", limit=3)  # past the newsletter, never the bot trap
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf".*/{lang}/pledge/thanks/$"))
    pledge = Pledge.objects.get()
    assert (pledge.first_name, pledge.email, pledge.country.code) == ("Tariq", "keys@example.org", "JO")


# --- text over the home page's gradient --------------------------------------------------
# axe cannot tell the colour behind text on a gradient and leaves it "incomplete": measure it.

HERO_TEXT = """() => {
    const out = [];
    for (const el of document.querySelectorAll('.hero .eyebrow, .hero h1, .hero .lead, .hero .button-ghost, .hero-counter p, .counter-link')) {
        const style = getComputedStyle(el);
        const range = document.createRange();
        range.selectNodeContents(el);
        const rects = [...range.getClientRects()].filter(r => r.width > 2 && r.height > 2)
            .map(r => ({x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}));
        const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
        out.push({name: el.className || el.tagName, color: style.color, rects, large: size >= 24 || (bold && size >= 18.66)});
        el.style.setProperty('color', 'transparent', 'important');  // CSSOM: allowed by the CSP
        el.style.setProperty('border-color', 'transparent', 'important');
    }
    return out;
}"""


def luminance(rgb) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", LANGS)
def test_home_page_text_keeps_its_contrast_over_the_gradient(page, live_server, lang, width):
    import io

    from PIL import Image

    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/{lang}/")
    texts = page.evaluate(HERO_TEXT)
    assert len(texts) >= 6
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
    low = []
    for text in texts:
        fg = luminance([float(v) for v in re.findall(r"[\d.]+", text["color"])[:3]])
        for r in text["rects"]:
            box = (int(r["x"]), int(r["y"]), int(r["x"] + r["width"]), int(r["y"] + r["height"]))
            # The lightest pixel behind light text is the worst case.
            bg = max(luminance(px) for px in shot.crop(box).get_flattened_data())
            ratio = (max(fg, bg) + 0.05) / (min(fg, bg) + 0.05)
            if ratio < (3 if text["large"] else 4.5):
                low.append((text["name"], round(ratio, 2)))
    assert low == []
