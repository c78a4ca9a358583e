"""What the public events API shows: the event as its public page does, never a person, never the online link."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import Event, Kind, Precision


class ChampionRef(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class EventOut(serializers.ModelSerializer):
    """A published event. The venue and town appear only at the precision the organiser chose."""

    title = serializers.CharField(source="local_title")
    description = serializers.CharField(source="local_description")
    type = serializers.ChoiceField(source="kind", choices=Kind.choices)
    country = serializers.SerializerMethodField()
    city = serializers.SerializerMethodField()
    venue = serializers.SerializerMethodField()
    place = serializers.CharField(source="public_place")
    online = serializers.SerializerMethodField()
    languages = serializers.ListField(source="language_list", child=serializers.CharField())
    organiser = serializers.CharField(source="partner.name", default=None, allow_null=True)
    champions = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "description",
            "type",
            "pillar",
            "status",
            "starts_at",
            "ends_at",
            "timezone",
            "country",
            "city",
            "venue",
            "place",
            "online",
            "capacity",
            "languages",
            "organiser",
            "champions",
            "url",
            "ics_url",
        ]

    def get_country(self, obj) -> str:
        return obj.country.code if obj.country else ""

    def get_city(self, obj) -> str:
        return obj.city if obj.precision in (Precision.EXACT, Precision.CITY) else ""

    def get_venue(self, obj) -> str:
        return obj.venue if obj.precision == Precision.EXACT else ""

    def get_online(self, obj) -> bool:
        """Whether the event happens online; the link itself goes only to those registered."""
        return obj.kind == Kind.ONLINE or bool(obj.online_url)

    @extend_schema_field(ChampionRef(many=True))
    def get_champions(self, obj) -> list[dict]:
        """The published champions taking part (prefetched: no query per event)."""
        return [{"slug": c.slug, "name": c.name} for c in obj.champions.all() if c.is_published]

    def get_url(self, obj) -> str:
        return settings.SITE_URL + reverse("events:detail", args=[obj.slug])

    def get_ics_url(self, obj) -> str:
        return settings.SITE_URL + reverse("events:ics", args=[obj.slug])


class UpcomingEventOut(EventOut):
    seats_left = serializers.SerializerMethodField(help_text="Places left; null when the event has no limit.")

    class Meta(EventOut.Meta):
        fields = [*EventOut.Meta.fields, "seats_left"]

    def get_seats_left(self, obj) -> int | None:
        if not obj.capacity:
            return None
        return max(obj.capacity - obj.attending, 0)


class PastEventOut(EventOut):
    registered = serializers.IntegerField(help_text="People who confirmed their registration.")
    attended = serializers.IntegerField(help_text="People checked in at the door.")
    signups = serializers.SerializerMethodField(
        help_text="Confirmed pledges the event produced: through its link, its registrations and their shares."
    )

    class Meta(EventOut.Meta):
        fields = [*EventOut.Meta.fields, "registered", "attended", "signups"]

    def get_signups(self, obj) -> int:
        return self.context.get("signups", {}).get(obj.pk, 0)
