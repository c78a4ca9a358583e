from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from solutions.models import Challenge, Outcome, Report


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class _Guarded(_Form):
    """Bot traps on every public form: a field people never see, and the signed time it was shown."""

    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)


class JoinForm(_Guarded):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254, help_text=_("We send you a link to confirm it."))
    country = forms.ChoiceField(label=_("Country"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose your country")), *countries]


class SolutionForm(_Guarded):
    # dir="auto": a title typed in Arabic on an English page (or the reverse) runs the right way.
    title = forms.CharField(label=_("Title"), max_length=140, widget=forms.TextInput(attrs={"dir": "auto"}))
    body = forms.CharField(
        label=_("Your solution"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"}),
        help_text=_("Plain text, with **bold**, *italics*, lists and links. No images or HTML."),
    )
    language = forms.ChoiceField(label=_("Language of your text"), choices=[])
    country = forms.ChoiceField(label=_("Country"), choices=[])
    town = forms.CharField(label=_("Town or city (optional)"), max_length=120, required=False)
    pseudonym = forms.CharField(
        label=_("Pseudonym (optional)"),
        max_length=60,
        required=False,
        help_text=_("Shown instead of your first name and country."),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"), required=False, help_text=_("JPEG, PNG, WebP or HEIC, up to 10 MB.")
    )
    keep_after_erasure = forms.BooleanField(
        label=_("If I erase my data one day, keep this text on the site under “a former participant”."),
        required=False,
    )

    def __init__(self, *args, challenge: Challenge, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        self.fields["language"].choices = [(c, names.get(c, c)) for c in challenge.languages]
        self.fields["country"].choices = list(countries)


class EditForm(_Form):
    title = forms.CharField(label=_("Title"), max_length=140)
    body = forms.CharField(label=_("Your solution"), max_length=8000, widget=forms.Textarea(attrs={"rows": 10}))


class AmendmentForm(_Guarded):
    title = forms.CharField(label=_("Title"), max_length=140, widget=forms.TextInput(attrs={"dir": "auto"}))
    body = forms.CharField(
        label=_("The text as you propose it"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"}),
        help_text=_("Plain text, with **bold**, *italics*, lists and links. No images or HTML."),
    )
    reason = forms.CharField(
        label=_("Why this change?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("The author reads it before accepting or rejecting your amendment."),
    )


class AmendmentAnswerForm(_Form):
    decision = forms.ChoiceField(
        label=_("Your answer"), choices=[("accept", _("Accept")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    answer = forms.CharField(
        label=_("Your reason (required to reject)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )


class CommentForm(_Guarded):
    body = forms.CharField(
        label=_("Your comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(_Guarded):
    reason = forms.ChoiceField(label=_("Why do you report this?"), choices=Report.Reason.choices)
    detail = forms.CharField(label=_("Details (optional)"), max_length=500, required=False)


class OutcomeForm(_Form):
    outcome = forms.ChoiceField(label=_("What became of it"), choices=Outcome.choices)
    note = forms.CharField(
        label=_("What happened (required when not taken up)"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    partner = forms.ModelChoiceField(
        label=_("Piloted by (when piloted; the challenge's partner if left empty)"), queryset=None, required=False
    )
    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        from partners.models import Partner

        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(is_active=True).order_by("name")


class ChallengeForm(_Form):
    question = forms.CharField(label=_("Question"), max_length=300)
    description = forms.CharField(label=_("Description"), max_length=5000, required=False, widget=forms.Textarea)
    pillar = forms.ChoiceField(label=_("Pillar"), choices=[])
    scope = forms.ChoiceField(label=_("Who may propose"), choices=Challenge.Scope.choices)
    country = forms.ChoiceField(label=_("Country"), required=False, choices=[])
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    closes_at = forms.DateTimeField(label=_("Closes"), widget=forms.DateInput(attrs={"type": "date"}))
    support_threshold = forms.IntegerField(label=_("Support threshold (optional)"), required=False, min_value=1)
    response_days = forms.IntegerField(
        label=_("Days to answer a solution that reaches it"), min_value=1, max_value=365, initial=30
    )

    def __init__(self, *args, **kwargs):
        from heforshe.lib.pillars import Pillar

        super().__init__(*args, **kwargs)
        self.fields["pillar"].choices = Pillar.choices
        self.fields["country"].choices = [("", "—"), *countries]
