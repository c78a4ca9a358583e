"""Staff read Django's and allauth's own strings (the admin above all) in every language of the site.

Django's catalogues lack some strings Django 6 added; heforshe/locale_upstream/ (the last of
settings.LOCALE_PATHS) supplies them. A result equal to the English counts as translated only when
a catalogue holds the entry: translators keep "URL", "IPv4" or ", " on purpose.
"""

from __future__ import annotations

import gettext
import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real

from heforshe.management.commands.upstream_translation_gaps import (
    UPSTREAM_LOCALE,
    UPSTREAM_PACKAGES,
    load,
    package_locale,
)
from tests.conftest import ROOT
from tests.heforshe.test_translations import catalogues
from tests.stories.factories import StoryFactory

LANGS = [code for code, _ in settings.LANGUAGES if code != "en"]
# Reach every plural form of ar (0, 1, 2, 3-10, 11-99, 100-102), ru, and es and fr (millions).
COUNTS = (0, 1, 2, 3, 5, 11, 21, 100, 101, 1000000)
# Entries of heforshe/locale_upstream/ whose translation is, rightly, the English text.
SAME_AS_ENGLISH = {("es", ", "), ("ru", ", ")}
MORE_OBJECTS = ("…and %(count)d more object.", "…and %(count)d more objects.")


def english_entries(domain: str):
    for package in UPSTREAM_PACKAGES:
        catalogue = load(package_locale(package) / "en" / "LC_MESSAGES" / f"{domain}.po")
        yield from (m for m in catalogue or () if m.id)


def catalogue_key(message) -> str:
    msgid = message.id[0] if message.pluralizable else message.id
    return f"{message.context}\x04{msgid}" if message.context else msgid


def untranslated_django_entries(lang: str) -> list[str]:
    catalogue = trans_real.translation(lang)._catalog
    missing = []
    with translation.override(lang):
        for message in english_entries("django"):
            key = catalogue_key(message)
            if not message.pluralizable:
                if message.context:
                    text = translation.pgettext(message.context, message.id)
                else:
                    text = translation.gettext(message.id)
                if text == message.id and key not in catalogue:
                    missing.append(key)
                continue
            for n in COUNTS:
                if message.context:
                    text = translation.npgettext(message.context, *message.id, n)
                else:
                    text = translation.ngettext(*message.id, n)
                try:
                    catalogue.plural(key, n)
                except KeyError:
                    if text == message.id[n != 1]:
                        missing.append(f"{key} (n={n})")
    return missing


@pytest.mark.parametrize("lang", LANGS)
def test_every_django_and_allauth_msgid_resolves_to_a_translation(lang):
    missing = untranslated_django_entries(lang)
    assert not missing, f"{len(missing)} untranslated in {lang}: {missing[:10]}"


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("root@example.org", "root@example.org", "pw-123456789")
    client.force_login(user)
    return client


def admin_javascript(client, lang: str) -> tuple[dict, str]:
    """The catalogue and plural expression of the admin's jsi18n view, as the admin's pages load it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(reverse("admin:jsi18n"))
    assert response.status_code == 200
    script = response.content.decode()
    start = script.index("const newcatalog = ") + len("const newcatalog = ")
    catalogue, _ = json.JSONDecoder().raw_decode(script, start)
    return catalogue, re.search(r"const v = (.*);", script)[1]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_the_admin_javascript_catalogue_translates_every_msgid(superuser_client, lang):
    catalogue, _ = admin_javascript(superuser_client, lang)
    missing = []
    for message in english_entries("djangojs"):
        value = catalogue.get(catalogue_key(message))
        forms = value if isinstance(value, list) else [value]
        if not all(forms):
            missing.append(catalogue_key(message))
    assert not missing, f"{len(missing)} untranslated in {lang}: {missing[:10]}"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_the_admin_javascript_catalogue_counts_plurals_as_the_admins_catalogue_does(superuser_client, lang):
    # The jsi18n view counts every entry with the formula of the first catalogue; the admin's entries
    # follow the one of its compiled catalogue (es: 3 forms there, though its .po header says 2).
    _, expression = admin_javascript(superuser_client, lang)
    mo = package_locale("django.contrib.admin") / trans_real.to_locale(lang) / "LC_MESSAGES" / "djangojs.mo"
    with mo.open("rb") as fh:
        admins = gettext.GNUTranslations(fh).plural
    ours = gettext.c2py(expression)
    assert [ours(n) for n in range(1001)] == [admins(n) for n in range(1001)]


@pytest.mark.django_db
def test_the_admin_javascript_catalogue_reads_the_upstream_catalogue(superuser_client):
    catalogue, _ = admin_javascript(superuser_client, "ar")
    assert catalogue["server"] == "الخادم"


def test_the_upstream_catalogue_outranks_djangos_own():
    # Django's French form for 5 reads "…et 5objets supplémentaires."; ours replaces it.
    with translation.override("fr"):
        assert translation.ngettext(*MORE_OBJECTS, 5) % {"count": 5} == "…et 5 objets supplémentaires."


@pytest.mark.parametrize("path", sorted(UPSTREAM_LOCALE.glob("*/LC_MESSAGES/*.po")), ids=lambda p: p.parent.parent.name)
def test_upstream_translations_differ_from_the_english_unless_listed(path):
    lang = path.parent.parent.name
    copied = [
        m.id
        for m in load(path)
        if m.id and not m.pluralizable and m.string == m.id and (lang, m.id) not in SAME_AS_ENGLISH
    ]
    assert not copied


def entry_keys(path) -> set[tuple]:
    lang, domain = path.parent.parent.name, path.stem
    return {(lang, domain, catalogue_key(m)) for m in load(path) if m.id}


def test_the_upstream_catalogue_shadows_no_string_of_our_apps():
    # It outranks the apps' catalogues (only locale/ outranks it): an app's msgid there would lose.
    upstream = set().union(*(entry_keys(p) for p in UPSTREAM_LOCALE.glob("*/LC_MESSAGES/*.po")))
    apps = [p for p in catalogues() if p.parents[2] not in (ROOT / "locale", UPSTREAM_LOCALE)]
    shadowed = sorted(key for p in apps for key in entry_keys(p) & upstream)
    assert not shadowed


@pytest.mark.django_db
def test_the_arabic_stories_changelist_shows_no_english_admin_labels(superuser_client):
    StoryFactory(submitted_at=timezone.now())
    superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    html = superuser_client.get(reverse("admin:stories_story_changelist")).content.decode()
    assert "تصفية حسب" in html  # the date hierarchy is there, in Arabic
    assert "Filter by" not in html
    assert "- Select an option -" not in html
