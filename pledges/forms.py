from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from pledges.models import Level, Pillar, Pledge


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PledgeForm(_Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send you a link to confirm. Your pledge counts once you click it."),
    )
    country = forms.ChoiceField(label=_("Country"), choices=[])
    city = forms.CharField(
        label=_("Town or city (optional)"),
        max_length=120,
        required=False,
        help_text=_("Shown on the map only as part of an area of about 10 km with at least five pledges."),
    )
    age_range = forms.ChoiceField(
        label=_("Age range (optional)"), required=False, choices=[("", "—"), *Pledge.AgeRange.choices]
    )
    identity = forms.ChoiceField(
        label=_("I identify as (optional)"),
        required=False,
        choices=[("", "—"), *Pledge.Identity.choices],
        help_text=_("HeForShe invites men and boys, and anyone may stand in solidarity."),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my pledge is stored as it describes."),
        error_messages={"required": _("Please accept the privacy notice to take the pledge.")},
    )
    # Change NEWSLETTER_WORDING_VERSION whenever this label changes: each opt-in records the version it saw.
    newsletter = forms.BooleanField(label=_("Send me HeForShe news (optional)."), required=False)
    partner = forms.CharField(required=False, max_length=16, widget=forms.HiddenInput)
    # Attribution from the link: a malformed code or referral is dropped, never refused.
    source = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    ref = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    # Filled in by the browser only if the pledger asks for it, already rounded to 0.1 degree.
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    # Bot traps: a field people never see, and the signed time the form was shown.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose your country")), *countries]
        for name in ("first_name",):
            self.fields[name].widget.attrs["autocomplete"] = "given-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["country"].widget.attrs["autocomplete"] = "country"

    def clean_source(self) -> str:
        from pledges.attribution import clean_source

        return clean_source(self.cleaned_data.get("source"))

    def clean_ref(self) -> str:
        ref = self.cleaned_data.get("ref") or ""
        return ref if "\x00" not in ref else ""

    def browser_position(self) -> tuple[float, float] | None:
        lat, lng = self.cleaned_data.get("lat"), self.cleaned_data.get("lng")
        return (lat, lng) if lat is not None and lng is not None else None


NEWSLETTER_WORDING_VERSION = "2026-01"


class PrivacyRequestForm(_Form):
    email = forms.EmailField(label=_("The email you pledged with"), max_length=254)


class ActionForm(_Form):
    """Either a catalogue action or a custom one with its pillar and level."""

    action = forms.IntegerField(required=False, widget=forms.HiddenInput)
    custom_text = forms.CharField(label=_("What did you do?"), max_length=280, required=False)
    pillar = forms.ChoiceField(label=_("Area"), choices=[("", "—"), *Pillar.choices], required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *Level.choices], required=False)

    def clean(self):
        data = super().clean()
        if not data.get("action"):
            if not data.get("custom_text"):
                self.add_error("custom_text", _("Describe what you did."))
            if not data.get("pillar"):
                self.add_error("pillar", _("Choose the area."))
            if not data.get("level"):
                self.add_error("level", _("Choose the level."))
        return data


class EraseForm(_Form):
    confirm = forms.BooleanField(
        label=_("Yes, erase my personal data. My pledge stays counted in my country, anonymously."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
