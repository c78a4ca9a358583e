from __future__ import annotations

import pytest

from stories.models import Call, MediaStatus, Story, StoryState

pytestmark = pytest.mark.django_db


def test_demo_stories_are_published_with_processed_photos_and_idempotent(client):
    from heforshe import demo as staff_demo
    from partners import demo as partners_demo
    from stories import demo

    log = []
    staff_demo.seed(log=log.append)
    partners_demo.seed(log=log.append)
    demo.seed(log=log.append)
    first = (Call.objects.count(), Story.objects.count())
    demo.seed(log=log.append)
    assert (Call.objects.count(), Story.objects.count()) == first
    seed_call = Call.objects.get(slug=demo.SEED_CALL["slug"])
    assert seed_call.deadline.date().isoformat() == "2015-01-31" and not seed_call.is_open()
    assert any(call.is_open() for call in Call.objects.all())
    published = Story.objects.filter(state=StoryState.PUBLISHED)
    assert published.count() == len(demo.STORIES)
    assert len(set(published.values_list("country", flat=True))) >= 5
    assert all(s.cover and s.cover.status == MediaStatus.READY for s in published)
    assert client.get("/api/v1/stories/").json()["count"] == len(demo.STORIES)
