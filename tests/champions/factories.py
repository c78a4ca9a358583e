from __future__ import annotations

import io

import factory
from PIL import Image

from champions.models import Champion, Kind


class ChampionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Champion

    name = factory.Sequence(lambda n: f"Champion {n}")
    slug = factory.Sequence(lambda n: f"champion-{n}")
    kind = Kind.INFLUENCER
    role = "Footballer"
    country = "KE"
    statement = "Equality is a team sport."
    is_published = True


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (1000, 700), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {2: (1.0, 2.0, 3.0)}  # a GPS block
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()
