"""Shared steps of the Commitments tests: pledging through the real form and confirming through the service."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs, urlsplit

from pledges.abuse import form_started_token
from pledges.models import Pledge
from pledges.services import pledge_confirm

_seq = itertools.count()


def form_data(**extra) -> dict:
    n = next(_seq)
    return {
        "first_name": f"Man{n}",
        "email": f"man{n}@example.org",
        "country": "KE",
        "city": "",
        "consent": "on",
        "started": form_started_token(),
        **extra,
    }


def pledge_via(client, url: str, **extra) -> Pledge:
    """POST the pledge form at `url` (with its query string as the link gave it) and confirm the pledge."""
    path, _q, query = url.partition("?")
    params = {k: v[0] for k, v in parse_qs(query).items()}
    data = form_data(**{"source": params.get("source", ""), "ref": params.get("ref", ""), **extra})
    response = client.post(path, data)
    assert response.status_code == 302, response.content[:2000]
    pledge = Pledge.objects.get(email=data["email"])
    assert pledge_confirm(pledge_id=pledge.pk)
    return pledge


def share_url_of(client, pledge) -> str:
    """The share link on the pledger's own page, as he sees it."""
    from pledges.views import SESSION_KEY

    session = client.session
    session[SESSION_KEY] = pledge.pk
    session.save()
    html = client.get("/en/me/").content.decode()
    start = html.index('id="my-share-link"')
    value = html[start:].split('value="', 1)[1].split('"', 1)[0]
    client.session.flush()
    parts = urlsplit(value.replace("&amp;", "&"))
    return parts.path + "?" + parts.query
