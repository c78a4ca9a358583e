"""What a new pledger meets: links after erasure, the resend promise, the header, the counter, sign-up."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import translation

from pledges import tokens
from pledges.services import pledge_erase
from tests.pledges.factories import ConfirmedPledgeFactory

pytestmark = pytest.mark.django_db


def test_after_erasure_the_old_confirmation_link_says_the_pledge_no_longer_exists(client):
    pledge = ConfirmedPledgeFactory()
    pledge_erase(pledge_id=pledge.pk)
    response = client.get(f"/en/pledge/confirm/{tokens.make(tokens.CONFIRM, pledge.pk)}/")
    html = response.content.decode()
    assert response.status_code == 410
    assert "This pledge no longer exists" in html
    assert "already confirmed" not in html and "Open my page" not in html


def test_the_thanks_page_says_how_often_a_new_link_can_come(client, settings):
    from datetime import timedelta

    settings.PLEDGE_RESEND_INTERVAL = timedelta(minutes=10)
    html = client.get("/en/pledge/thanks/").content.decode()
    assert "send the form again: we will send a new link" not in html
    assert "We send at most one link to the same address every 10 minutes" in html


def test_a_visitor_is_offered_their_pledge_page_and_a_partner_sign_in_not_a_bare_sign_in(client):
    html = client.get("/en/").content.decode()
    assert '<a class="nav-account" href="/en/me/">My pledge</a>' in html
    assert '<a class="nav-signin" href="/en/accounts/login/">Partner sign-in</a>' in html
    assert ">Sign in</a>" not in html


def test_a_pledger_signed_in_by_link_sees_their_page_not_a_password_sign_in(client):
    pledge = ConfirmedPledgeFactory()
    client.post(f"/en/me/sign-in/{tokens.make(tokens.SIGN_IN, pledge.pk)}/")
    html = client.get("/en/me/").content.decode()
    assert '<a class="nav-account" href="/en/me/">My pledge</a>' in html
    assert "/en/accounts/login/" not in html


def test_the_sign_in_and_sign_up_pages_tell_pledgers_they_need_no_account(client):
    for path in ("/en/accounts/login/", "/en/accounts/signup/"):
        html = client.get(path).content.decode()
        assert "You need no account and no password" in html
        assert 'href="/en/pledge/privacy/">Email me my link</a>' in html


@pytest.mark.parametrize("language", ["ar", "zh-hans", "en"])
def test_counters_are_grouped_by_the_server_in_every_language(language):
    with translation.override(language):
        assert intcomma(4002) == "4,002"


def test_the_arabic_home_page_renders_the_counter_grouped_with_its_separator_for_the_script(client):
    html = client.get("/ar/").content.decode()
    match = re.search(r'data-separator="([^"]*)">([^<]*)</p>', html)
    assert match is not None and match.group(1) == ","


class _Nesting(HTMLParser):
    """Records block elements opened inside a <p> or a <span>, which HTML does not allow."""

    BLOCKS = {"ul", "ol", "div", "p", "table", "form", "section"}
    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if tag in self.BLOCKS and any(t in ("p", "span") for t in self.stack):
            self.problems.append(f"<{tag}> inside {'>'.join(self.stack[-3:])}")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass


def test_the_sign_up_page_nests_no_block_inside_a_paragraph_or_span(client):
    parser = _Nesting()
    parser.feed(client.get("/en/accounts/signup/").content.decode())
    assert parser.problems == []
