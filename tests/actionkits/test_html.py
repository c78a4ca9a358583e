"""Kit bodies are shown as HTML: hostile markup is neutralised, the kit's structure is kept."""

from __future__ import annotations

import pytest

from actionkits import services
from actionkits.html import clean_html
from actionkits.models import KitTranslation

from .factories import make_kit

REL = 'rel="noopener noreferrer nofollow"'


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("<script>alert(1)</script>after", "after"),
        ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>after", "after"),
        ("<img src=x onerror=alert(1)>", ""),
        ("<p onclick=alert(1) onmouseover='alert(2)'>text</p>", "<p>text</p>"),
        ("<body onload=alert(1)>text", "text"),
        ('<a href="javascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href=" javascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="java\tscript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="jav&#x61;script:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="&#0000106avascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="vbscript:msgbox(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', f"<a {REL}>x</a>"),
        ('<img src="data:image/svg+xml,<svg onload=alert(1)>">', ""),
        ("<svg onload=alert(1)><circle r=1 /></svg>", ""),
        ("<svg><script>alert(1)</script></svg>", ""),
        ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', ""),
        ('<math><mi><a href="javascript:alert(1)">x</a></mi></math>', ""),
        ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
        ('<p style="background:url(javascript:alert(1))">x</p>', "<p>x</p>"),
        ("<style>@import 'https://evil.example/x.css';</style>after", "after"),
        ('<iframe src="https://evil.example/"></iframe>after', "after"),
        ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', ""),
        ('<object data="https://evil.example/x.swf"></object>', ""),
        ('<embed src="https://evil.example/x.swf">', ""),
        ('<form action="https://evil.example/"><input name=password><button>Go</button></form>', "Go"),
        ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', ""),
        ('<base href="javascript:/">', ""),
        ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', '"&gt;'),
        ("<template><img src=x onerror=alert(1)></template>after", "after"),
        ("<!--<img src=x onerror=alert(1)>-->after", "after"),
        ('<a href="https://example.org/" target="_blank" onclick="alert(1)">x</a>', f'<a href="https://example.org/" {REL}>x</a>'),
        ('<a href="https://example.org/" rel="opener">x</a>', f'<a href="https://example.org/" {REL}>x</a>'),
    ],
)  # fmt: skip
def test_hostile_markup_is_neutralised(hostile, expected):
    assert clean_html(hostile) == expected


@pytest.mark.parametrize(
    "kept",
    [
        "<h2>Eight actions</h2><h3>First</h3><h4>Detail</h4>",
        "<p>A <strong>strong</strong>, <em>stressed</em>, <b>bold</b> and <i>italic</i> word.<br>Next line.</p>",
        "<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>",
        "<blockquote><p>Quoted.</p></blockquote>",
        '<p><abbr title="United Nations">UN</abbr> and <span lang="fr">oui</span></p>',
        '<h2 dir="rtl" lang="ar">عنوان</h2>',
        '<table><caption>Targets</caption><thead><tr><th scope="col" colspan="2">Goal</th></tr></thead>'
        '<tbody><tr><td rowspan="2">50%</td></tr></tbody></table>',
    ],
)
def test_the_structure_of_a_kit_is_kept(kept):
    assert clean_html(kept) == kept


@pytest.mark.parametrize(
    "href",
    ["https://www.unwomen.org/", "http://example.org/a?b=1&amp;c=2", "mailto:heforshe@unwomen.org", "/en/pledge/"],
)
def test_links_to_the_web_and_mail_are_kept_and_leave_without_referrer_or_opener(href):
    assert clean_html(f'<a href="{href}" hreflang="en">x</a>') == f'<a href="{href}" hreflang="en" {REL}>x</a>'


def test_unknown_tags_are_dropped_and_their_text_kept():
    assert clean_html("<div><marquee>Take <blink>action</blink></marquee></div>") == "Take action"


def test_text_that_looks_like_markup_stays_text():
    assert clean_html("5 &lt; 6 &amp; &lt;script&gt;") == "5 &lt; 6 &amp; &lt;script&gt;"


@pytest.mark.django_db
def test_a_saved_body_is_stored_clean():
    kit = make_kit()
    translation = services.translation_save(
        kit=kit, language="en", title="T", summary="S", body='<p onclick="alert(1)">Hi</p><script>alert(2)</script>'
    )
    assert translation.body == "<p>Hi</p>"


@pytest.mark.django_db
def test_a_body_stored_by_another_path_is_cleaned_when_shown(client):
    kit = make_kit()
    KitTranslation.objects.filter(kit=kit).update(
        body='<p>Kept</p><img src=x onerror="alert(1)"><a href="javascript:alert(2)">link</a>'
    )
    html = client.get("/en/action-kits/universities/").content.decode()
    assert f'<div class="kit-body"><p>Kept</p><a {REL}>link</a></div>' in html
    assert "onerror" not in html
    assert "javascript:" not in html
