from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from heforshe.lib.forms import DescribedErrorsMixin
from partners import services
from partners.models import Commitment, Partner, PartnerInvitation, PartnerMembership, ProgressReport
from partners.periods import Quarter, recent_quarters


class SignupTargetForm(DescribedErrorsMixin, forms.Form):
    signup_target = forms.IntegerField(
        label=_("Number of men and boys you aim to enlist"), min_value=0, max_value=100_000_000
    )


class FrameworkAdoptForm(DescribedErrorsMixin, forms.Form):
    actions = forms.MultipleChoiceField(
        label=_("Framework actions"), widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args, available=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = [(a.code, a.title) for a in available]
        self.fields["actions"].initial = [a.code for a in available]
        self.descriptions = {a.code: a.description for a in available}


class CommitmentForm(DescribedErrorsMixin, forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["pillar", "title", "description", "indicator", "baseline", "target_value", "unit", "due_date"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": _("Leave empty to keep the framework's wording, shown in each visitor's language."),
            "target_value": _("The value of the indicator you aim to reach by the due date."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.framework_code:
            # Empty fields keep the framework's (translated) wording: show it as the placeholder.
            for name in ("title", "description", "indicator", "unit"):
                self.fields[name].widget.attrs["placeholder"] = getattr(self.instance, f"display_{name}")

    def clean(self):
        data = super().clean()
        try:
            services.commitment_check_title(framework_code=self.instance.framework_code, title=data.get("title", ""))
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


class NewReportForm(DescribedErrorsMixin, forms.Form):
    period = forms.ChoiceField(label=_("Reporting period"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(q.key, q.label) for q in recent_quarters(timezone.localdate(), 5)]

    def clean_period(self) -> Quarter:
        quarter = Quarter.parse(self.cleaned_data["period"])
        if quarter is None:
            raise ValidationError(_("Choose a reporting period from the list."))
        return quarter


class ReportForm(DescribedErrorsMixin, forms.Form):
    """The narrative and one value (with a note) per commitment."""

    narrative = forms.CharField(
        label=_("What did you do this period?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20000,
    )

    def __init__(self, *args, report: ProgressReport, commitments, signups: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from partners.frameworks import SIGNUP_ACTIONS

        existing = {v.commitment_id: v for v in report.values.all()}
        self.commitment_rows = []
        for commitment in commitments:
            entry = existing.get(commitment.pk)
            value_name, note_name = f"value_{commitment.pk}", f"note_{commitment.pk}"
            unit = f" ({commitment.display_unit})" if commitment.display_unit else ""
            # The indicator alone can repeat across commitments: tie each input to its commitment's title.
            described = {"aria-describedby": f"commitment-{commitment.pk}"}
            self.fields[value_name] = forms.DecimalField(
                widget=forms.NumberInput(attrs={**described, "step": "any"}),
                label=f"{commitment.display_indicator or _('Value')}{unit}",
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=entry.value
                if entry
                else (signups if signups is not None and commitment.framework_code in SIGNUP_ACTIONS else None),
                error_messages={"invalid": _("Enter a number, such as 1200 or 35.5.")},
            )
            self.fields[note_name] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=500,
                initial=entry.note if entry else "",
                widget=forms.TextInput(attrs=described),
            )
            self.commitment_rows.append((commitment, value_name, note_name))
        self.fields["narrative"].initial = report.narrative

    def values(self) -> dict[int, tuple[Decimal | None, str]]:
        return {c.pk: (self.cleaned_data.get(v), self.cleaned_data.get(n) or "") for c, v, n in self.commitment_rows}

    def rows(self):
        for commitment, value_name, note_name in self.commitment_rows:
            yield commitment, self[value_name], self[note_name]


class EvidenceForm(DescribedErrorsMixin, forms.Form):
    file = forms.FileField(
        label=_("Evidence file"),
        help_text=_("PDF, PNG or JPEG, up to %(mb)s MB.") % {"mb": settings.PARTNERS_EVIDENCE_MAX_BYTES // 1048576},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        services.validate_evidence(upload)
        return upload


class InviteForm(DescribedErrorsMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=PartnerMembership.Role.choices, initial=PartnerMembership.Role.MEMBER
    )
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = get_language()


class ReviewForm(DescribedErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (services.Transition.APPROVE, _("Approve")),
            (services.Transition.RETURN, _("Return to the partner with comments")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comments for the partner"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )

    def clean(self):
        data = super().clean()
        try:
            services.review_check(action=data.get("decision", ""), comment=data.get("comment", ""))
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


class LogoField(forms.ImageField):
    """A logo upload, checked by the service: its size before anything is read, then its content."""

    def to_python(self, data):
        if data in self.empty_values:
            return None
        services.logo_check_size(data)  # before ImageField has Pillow read it
        return services.logo_validate(super().to_python(data))


class PartnerAdminForm(forms.ModelForm):
    logo = LogoField(label=_("logo"), required=False, widget=forms.ClearableFileInput)

    class Meta:
        model = Partner
        fields = [
            "name",
            "slug",
            "sector",
            "country",
            "logo",
            "description",
            "website",
            "is_impact_champion",
            "referral_code",
            "signup_target",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logo"].help_text = _("PNG or JPEG, up to %(kb)s KB and %(side)s pixels on its longest side.") % {
            "kb": settings.PARTNERS_LOGO_MAX_BYTES // 1024,
            "side": settings.PARTNERS_LOGO_MAX_SIDE,
        }


class AdminInvitationForm(forms.ModelForm):
    """Staff invite from the admin; the same checks as the service, shown on the form."""

    class Meta:
        model = PartnerInvitation
        fields = ["partner", "email", "role", "language"]

    def clean(self):
        data = super().clean()
        email, partner = data.get("email"), data.get("partner")
        if email and partner:
            try:
                services.invitation_check(partner=partner, email=email)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["email"]) from exc
            # Staff see every membership, so they are told what a partner admin is not.
            other = services.account_partner(email=email)
            if other is not None:
                raise ValidationError(
                    _("This person already acts for %(partner)s; each account acts for one organisation."),
                    params={"partner": other.name},
                )
        return data
