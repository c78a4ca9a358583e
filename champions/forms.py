from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class RevisionForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of this statement"), choices=settings.LANGUAGES)
    statement = forms.CharField(label=_("Your statement"), max_length=2000, widget=forms.Textarea(attrs={"rows": 6}))
    video_url = forms.URLField(
        label=_("Video link (optional)"), required=False, help_text=_("An https link to YouTube or Vimeo.")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email of the champion"))
    language = forms.ChoiceField(label=_("Language of the email"), choices=settings.LANGUAGES)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note to the champion"), max_length=500, required=False)


class VideoForm(forms.Form):
    video = forms.FileField(
        label=_("Video file"), help_text=_("MP4, MOV or WebM. It is converted for the web before it is shown.")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
