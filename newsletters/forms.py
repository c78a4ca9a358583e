from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from newsletters.models import Topic


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the newsletter"), choices=settings.LANGUAGES)
    topics = forms.MultipleChoiceField(
        label=_("What would you like to receive?"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick everything to stop receiving the newsletter. Your pledge stays counted."),
    )
    english_fallback = forms.BooleanField(
        label=_("When a newsletter is not written in my language, send me the English version."), required=False
    )
