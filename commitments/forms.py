from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from partners.models import Sector


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PageForm(_Form):
    colour = forms.CharField(
        label=_("Colour"), max_length=7, help_text=_("# and six hexadecimal digits, e.g. #5b2a86.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colour"].widget.input_type = "color"
        for code, name in settings.LANGUAGES:
            self.fields[f"message_{code}"] = forms.CharField(
                label=_("Message in %(language)s") % {"language": _(name)},
                max_length=500,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def messages(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"message_{code}", "") for code, _n in settings.LANGUAGES}


class DomainForm(_Form):
    domain = forms.CharField(label=_("Email domain"), max_length=253, help_text=_("For example: example.org"))


class OriginForm(_Form):
    origin = forms.CharField(
        label=_("Site that shows the widgets"), max_length=200, help_text=_("For example: https://intranet.example.org")
    )


class TokenForm(_Form):
    name = forms.CharField(label=_("Token name"), max_length=80, help_text=_("The system that will use it."))


class ChildForm(_Form):
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    email = forms.EmailField(label=_("Email of its first admin"), max_length=254)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)


class ReviewForm(_Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Refuse"))])
