"""List the msgids of Django's and allauth's own catalogues that our languages lack.

For every upstream package in UPSTREAM_PACKAGES, domain (django, djangojs) and
language, prints the entries of the package's English catalogue that have no
translation there (missing, empty or fuzzy), and whether
heforshe/locale_upstream/ supplies them. With --check it exits non-zero while
some gap is not supplied, so an upgrade of Django or allauth shows what to
translate next.
"""

from __future__ import annotations

import contextlib
import importlib
import io
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

UPSTREAM_PACKAGES = (
    "django.conf",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sessions",
    "django.contrib.sites",
    "allauth",
)
DOMAINS = ("django", "djangojs")
# Django's directory names of our languages other than English.
LANGUAGES = ("ar", "es", "fr", "ru", "zh_Hans")
UPSTREAM_LOCALE = Path(settings.BASE_DIR) / "heforshe" / "locale_upstream"


def package_locale(package: str) -> Path:
    return Path(importlib.import_module(package).__file__).parent / "locale"


def load(path: Path) -> Catalog | None:
    if not path.exists():
        return None
    # Babel prints a warning for every English entry with more msgstr lines than its header allows.
    with path.open("rb") as fh, contextlib.redirect_stdout(io.StringIO()):
        return read_po(fh)


def is_translated(message: Message | None) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def gaps(package: str, domain: str, lang: str) -> list[Message]:
    """The English entries of package's catalogue that lang's catalogue leaves untranslated."""
    english = load(package_locale(package) / "en" / "LC_MESSAGES" / f"{domain}.po")
    if english is None:
        return []
    theirs = load(package_locale(package) / lang / "LC_MESSAGES" / f"{domain}.po")
    return [m for m in english if m.id and not is_translated(theirs.get(m.id, m.context) if theirs else None)]


def label(message: Message) -> str:
    text = " | ".join(message.id) if isinstance(message.id, tuple) else message.id
    return f"[{message.context}] {text}" if message.context else text


class Command(BaseCommand):
    help = "List Django's and allauth's msgids that lack a translation in our languages."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail if heforshe/locale_upstream misses a gap")

    def handle(self, *args, check=False, **options):
        missing = 0
        for lang in LANGUAGES:
            for domain in DOMAINS:
                ours = load(UPSTREAM_LOCALE / lang / "LC_MESSAGES" / f"{domain}.po")
                for package in UPSTREAM_PACKAGES:
                    found = gaps(package, domain, lang)
                    if not found:
                        continue
                    self.stdout.write(f"{lang} {domain} {package}: {len(found)}")
                    for message in found:
                        supplied = is_translated(ours.get(message.id, message.context) if ours else None)
                        missing += not supplied
                        self.stdout.write(f"  {'ok ' if supplied else 'NO '} {label(message)}")
        self.stdout.write(f"{missing} gap(s) not supplied by {UPSTREAM_LOCALE.relative_to(settings.BASE_DIR)}")
        if check and missing:
            raise CommandError(f"{missing} upstream msgid(s) untranslated")
