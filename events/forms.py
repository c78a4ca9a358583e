from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from champions.models import Champion
from events.models import Event


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RegistrationForm(_Form):
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("Email"), max_length=254, help_text=_("We send you a link to confirm your place."))
    with_pledge = forms.BooleanField(label=_("Take the HeForShe pledge too"), required=False)
    country = forms.ChoiceField(label=_("Country (for the pledge)"), choices=[], required=False)
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my registration (and pledge) is stored as it describes."
        ),
        error_messages={"required": _("Please accept the privacy notice to register.")},
    )
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose your country")), *countries]
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean(self):
        data = super().clean()
        if data.get("with_pledge") and not data.get("country"):
            self.add_error("country", _("Choose your country to take the pledge."))
        return data


class EventForm(forms.ModelForm):
    """Start and end are wall-clock times in the event's time zone (converted to UTC by the view)."""

    start_local = forms.DateTimeField(
        label=_("Starts (local time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end_local = forms.DateTimeField(
        label=_("Ends (local time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    language_codes = forms.MultipleChoiceField(
        label=_("Languages spoken"), choices=settings.LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    title_translations = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "kind",
            "pillar",
            "timezone",
            "country",
            "city",
            "venue",
            "precision",
            "online_url",
            "capacity",
            "champions",
        ]
        widgets = {"champions": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["champions"].queryset = Champion.objects.filter(is_published=True)
        self.fields["timezone"].help_text = _("An IANA time zone such as Africa/Nairobi or Europe/Paris.")
        self.fields["timezone"].widget.attrs["list"] = "timezones"
        for code, _label in settings.LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title in %(lang)s") % {"lang": _label}, required=False, max_length=200
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description in %(lang)s") % {"lang": _label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields.pop("title_en")
        self.fields.pop("description_en")
        self.fields.pop("title_translations")
        if self.instance.pk:
            self.initial.setdefault("start_local", self.instance.local_start.replace(tzinfo=None))
            self.initial.setdefault("end_local", self.instance.local_end.replace(tzinfo=None))
            self.initial.setdefault("language_codes", self.instance.language_list)
            for code, texts in (self.instance.translations or {}).items():
                for field in ("title", "description"):
                    if f"{field}_{code}" in self.fields:
                        self.initial.setdefault(f"{field}_{code}", texts.get(field, ""))

    def translations(self) -> dict:
        out = {}
        for code, _label in settings.LANGUAGES:
            if code == "en":
                continue
            title = self.cleaned_data.get(f"title_{code}", "").strip()
            description = self.cleaned_data.get(f"description_{code}", "").strip()
            if title or description:
                out[code] = {"title": title, "description": description}
        return out


class CheckInSearchForm(_Form):
    q = forms.CharField(label=_("Search by name or email"), required=False, max_length=100)
