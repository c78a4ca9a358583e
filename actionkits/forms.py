from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from actionkits.models import SOURCE_LANGUAGE, Audience, KitTranslation
from actionkits.validators import validate_kit_file
from heforshe.lib.pillars import Pillar


class KitTranslationAdminForm(forms.ModelForm):
    """Validation an editor sees before anything is saved; the service repeats the invariants."""

    matches_english = forms.BooleanField(
        label=_("Matches the current English version"),
        required=False,
        initial=True,
        help_text=_(
            "For a translation: leave ticked when this text renders the current English version; "
            "untick to fix something without marking an out-of-date translation as up to date."
        ),
    )

    class Meta:
        model = KitTranslation
        fields = ["kit", "language", "title", "summary", "body", "file", "change_notes", "matches_english"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}), "change_notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and not instance.is_source:
            english = instance.kit.translations.filter(language=SOURCE_LANGUAGE).first()
            self.fields["matches_english"].initial = bool(english and (instance.source_version or 0) >= english.version)

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data:
            # Set on the instance now: the model's constraint (a file has a
            # format) is checked when the form validates the instance.
            self.instance.file_format, self.instance.file_size = validate_kit_file(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        kit, language = cleaned.get("kit"), cleaned.get("language")
        if kit and language and language != SOURCE_LANGUAGE:
            if not kit.translations.filter(language=SOURCE_LANGUAGE).exists():
                self.add_error(
                    "language",
                    _("Add the English version of this kit first; other languages are translated from it."),
                )
        return cleaned


class KitFilterForm(forms.Form):
    """The public list's filters, submitted with GET."""

    audience = forms.ChoiceField(
        label=_("Audience"), required=False, choices=[("", _("All audiences")), *Audience.choices]
    )
    pillar = forms.ChoiceField(label=_("Pillar"), required=False, choices=[("", _("All pillars")), *Pillar.choices])
