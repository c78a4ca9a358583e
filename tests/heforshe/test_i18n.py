from __future__ import annotations

import re

import pytest
from django.conf import settings

LANGS = [code for code, _ in settings.LANGUAGES]
HOME_TITLES = {
    "en": "Take the HeForShe pledge",
    "fr": "Prenez l’engagement HeForShe",
    "es": "Asume el compromiso HeForShe",
    "ru": "Примите обязательство HeForShe",
    "ar": "قدّم تعهد HeForShe",
    "zh-hans": "签署 HeForShe 承诺",
}

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_is_served_and_translated_in_each_language(client, lang):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html
    assert HOME_TITLES[lang] in html


@pytest.mark.parametrize("lang", LANGS)
def test_language_switcher_links_the_same_page_in_every_language(client, lang):
    html = client.get(f"/{lang}/pledge/").content.decode()
    switcher = html.split('class="lang-switcher"', 1)[1].split("</details>", 1)[0]
    for other in LANGS:
        assert f'href="/{other}/pledge/" hreflang="{other}"' in switcher
    assert re.search(rf'href="/{lang}/pledge/" hreflang="{lang}" lang="{lang}" aria-current="true"', switcher)


def test_arabic_pages_are_right_to_left(client):
    html = client.get("/ar/").content.decode()
    assert 'dir="rtl"' in html
    assert 'lang="ar"' in html


def test_root_redirects_to_the_browser_language(client):
    response = client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_unknown_pages_get_the_translated_404(client):
    response = client.get("/es/no-existe/")
    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()
