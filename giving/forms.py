from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from giving.models import Frequency
from heforshe.lib.pillars import Pillar


class GiveForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, initial=Frequency.ONE_OFF, widget=forms.RadioSelect
    )
    currency = forms.CharField(label=_("Currency"), max_length=3)
    amount = forms.CharField(label=_("Amount"), max_length=20, required=False)
    other_amount = forms.CharField(
        label=_("Other amount"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    designation = forms.ChoiceField(
        label=_("Where it goes"),
        choices=[("", _("Where it is needed most"))] + list(Pillar.choices),
        required=False,
    )
    dedication = forms.CharField(
        label=_("Dedicate this gift (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: in honour of my mother."),
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=120, required=False)
    email = forms.EmailField(label=_("Your email"), help_text=_("For your receipt. We never share it."), max_length=254)
    campaign = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)
    # The same abuse controls as the pledge form: a honeypot and a signed start time.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def amount_text(self) -> str:
        data = self.cleaned_data
        if data.get("amount") in ("", "other", None):
            return data.get("other_amount") or ""
        return data["amount"]

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("amount") not in ("", "other", None) or cleaned.get("other_amount")):
            self.add_error("other_amount", _("Choose an amount or enter your own."))
        return cleaned


class GiftsLinkForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    email = forms.EmailField(label=_("Your email"), max_length=254)
