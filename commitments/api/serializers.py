from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from heforshe.lib.api import StrictCharField, StrictChoiceField, StrictEmailField, TrueField, not_blank_validator
from pledges.geo import country_codes
from pledges.models import SOURCE_CODE_MAX

MAX_BATCH = 500


class SignupRowSerializer(serializers.Serializer):
    """One person signed up by the partner's system; they still confirm by email."""

    external_id = StrictCharField(
        max_length=100,
        validators=[not_blank_validator()],
        help_text="The partner system's own id for this person: sending it again is a no-op.",
    )
    first_name = StrictCharField(max_length=100, validators=[not_blank_validator()])
    email = StrictEmailField(max_length=254)
    country = StrictChoiceField(
        choices=sorted(country_codes()),
        help_text="ISO 3166-1 alpha-2 code in capitals, e.g. KE.",
        error_messages={"invalid_choice": _("Unknown country: use an ISO 3166-1 alpha-2 code such as KE or FR.")},
    )
    language = StrictChoiceField(
        choices=[c for c, _n in settings.LANGUAGES], help_text="Language of the confirmation email."
    )
    consent = TrueField(
        help_text="Must be true: the person accepted the privacy notice.",
        error_messages={"must_be_true": _("The person must accept the privacy notice.")},
    )
    city = StrictCharField(max_length=120, required=False, allow_blank=True, default="")
    source = StrictCharField(
        max_length=SOURCE_CODE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="A source code (letters, digits, '-', '_'), e.g. course-registration-2026.",
    )


class SignupBatchSerializer(serializers.Serializer):
    signups = serializers.ListField(
        child=serializers.JSONField(),
        min_length=1,
        max_length=MAX_BATCH,
        help_text=f"One to {MAX_BATCH} sign-ups; each is checked on its own.",
    )


class SignupBatchSchemaSerializer(serializers.Serializer):
    """What the schema documents for the body (rows are checked one by one, see SignupBatchSerializer)."""

    signups = SignupRowSerializer(many=True, min_length=1, max_length=MAX_BATCH)


class AcceptedRowSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    external_id = serializers.CharField()
    status = serializers.ChoiceField(choices=["accepted", "duplicate"])


class RejectedRowSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class SignupResultSerializer(serializers.Serializer):
    accepted = AcceptedRowSerializer(many=True)
    rejected = RejectedRowSerializer(many=True)
