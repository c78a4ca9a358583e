"""Every catalogue of the project is complete in the five languages besides English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import ROOT

LANGS = ["ar", "es", "fr", "ru", "zh_Hans"]
# The project's catalogue, then the translations it supplies for Django's and allauth's catalogues.
CATALOGUE_ROOTS = [ROOT / "locale", ROOT / "heforshe" / "locale_upstream"] + [
    ROOT / app / "locale"
    for app in (
        "pledges",
        "stories",
        "partners",
        "actionkits",
        "giving",
        "solutions",
        "newsletters",
        "commitments",
        "champions",
        "events",
    )
]


def catalogues() -> list[Path]:
    return sorted(p for root in CATALOGUE_ROOTS for p in root.glob("*/LC_MESSAGES/*.po"))


def test_the_project_catalogue_exists_for_every_language():
    for lang in LANGS:
        assert (ROOT / "locale" / lang / "LC_MESSAGES" / "django.po").exists(), lang


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_has_no_empty_or_fuzzy_entry(path):
    with path.open("rb") as fh:
        catalog = read_po(fh)
    assert not catalog.fuzzy, "the header is marked fuzzy"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            problems.append(message.id if isinstance(message.id, str) else message.id[0])
    assert not problems, f"{len(problems)} untranslated or fuzzy: {problems[:10]}"


@pytest.mark.parametrize("root", [r for r in CATALOGUE_ROOTS if r.exists()], ids=lambda p: str(p.relative_to(ROOT)))
def test_each_catalogue_covers_all_five_languages(root):
    present = {p.parent.parent.name for p in root.glob("*/LC_MESSAGES/django.po")}
    assert present >= set(LANGS)


PLACEHOLDER = re.compile(r"%%|%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def placeholder_problems(message) -> list[str]:
    """Translations must keep the msgid's placeholders; a plural form may leave out a named one
    ("يومان" needs no number), never add one or drop a positional one (formatting would fail)."""
    if not message.pluralizable:
        return [message.string] if placeholders(message.string) != placeholders(message.id) else []
    named = set(placeholders(message.id[0])) | set(placeholders(message.id[1]))
    positional = [p for p in placeholders(message.id[1]) if "(" not in p]
    return [
        form
        for form in message.string
        if not set(placeholders(form)) <= named or [p for p in placeholders(form) if "(" not in p] != positional
    ]


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_translations_keep_the_placeholders_of_their_msgid(path):
    with path.open("rb") as fh:
        catalog = read_po(fh)
    problems = [form for message in catalog if message.id for form in placeholder_problems(message)]
    assert not problems, f"{len(problems)} translation(s) with other placeholders: {problems[:5]}"
