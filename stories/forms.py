from __future__ import annotations

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext_lazy as _

from heforshe.lib import media as media_lib
from heforshe.lib import sniff
from stories.models import ConsentKind, Pillar, Story

# The multipart form carries one file and a few small fields.
MULTIPART_OVERHEAD = 1024 * 1024
MULTIPART_MAX_BYTES = media_lib.VIDEO_MAX_BYTES + MULTIPART_OVERHEAD


class AccessibleFormMixin:
    """Ties each field's errors and help text to the input with aria-describedby."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            ids = []
            if field.help_text:
                ids.append(f"id_{name}_helptext")
            if self.is_bound and name in self.errors:
                ids.append(f"id_{name}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class PeopleForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Story
        fields = ["title", "heroes", "ages", "has_minor", "city", "country"]
        help_texts = {"title": _("A short headline for the story.")}


class ActionForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Story
        fields = ["actions", "started_on", "is_ongoing", "ended_on"]
        widgets = {
            "actions": forms.Textarea(attrs={"rows": 8}),
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "ended_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        data = super().clean()
        started, ended = data.get("started_on"), data.get("ended_on")
        if not data.get("is_ongoing") and started and ended and ended < started:
            self.add_error("ended_on", _("The end date must be after the start date."))
        return data


class QuoteForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Story
        fields = ["quote", "pillar", "contact_details"]
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 3, "maxlength": 280, "data-counter": "quote"}),
            "pillar": forms.RadioSelect,
            "contact_details": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pillar"].choices = Pillar.choices


class MediaUploadForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        # A hint for the file picker only: the server sniffs the real type.
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,.heic,video/mp4,video/quicktime,video/webm"}
        ),
        label=_("Photo or video"),
        help_text=_(
            "Photos: JPEG, PNG, WebP or HEIC, up to 25 MB. Video: MP4, MOV or WebM, up to 2 GB, "
            "ideally 1080p shot horizontally in good light."
        ),
    )


class ConsentForm(AccessibleFormMixin, forms.Form):
    consents = forms.MultipleChoiceField(
        label=_("Consents"),
        choices=ConsentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Tick each consent the people in the story gave you. Each one is recorded separately "
            "with your name and the date, and can be withdrawn later."
        ),
    )


class MediaSizeLimitHandler(FileUploadHandler):
    """Stops reading an uploaded file as soon as it passes the limit for its kind.

    The kind is sniffed from the first bytes as they arrive, so a 100 MB "photo"
    is cut off after 25 MB instead of being written to disk in full first. It
    must be installed before anything reads the request body (see views.edit).
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.refusal: str | None = None
        self._limit: int | None = None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self._limit = None

    def receive_data_chunk(self, raw_data, start):
        if self._limit is None:
            sniffed = sniff.sniff_head(raw_data[: sniff.HEAD_BYTES])
            # Anything that is not a video is held to the photo limit; it is refused by type later.
            is_video = sniffed is not None and sniffed.kind == sniff.VIDEO
            self._limit = media_lib.VIDEO_MAX_BYTES if is_video else media_lib.PHOTO_MAX_BYTES
            self._message = (
                _("This video is too large: videos may be up to 2 GB.")
                if is_video
                else _("This file is too large: photos may be up to 25 MB, videos up to 2 GB.")
            )
        if start + len(raw_data) > self._limit:
            self.refusal = str(self._message)
            # Stop reading the request here; the rest of the body is never read.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
