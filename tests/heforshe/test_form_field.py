"""One form-field partial (templates/forms/field.html) renders the fields of every app's forms."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_an_account_form_field_error_is_tied_to_its_input(client):
    html = client.post("/en/accounts/signup/", {"email": "not-an-email", "password1": "x", "password2": "y"}).content
    html = html.decode()
    assert '<ul class="errorlist" id="id_email_error">' in html
    assert re.search(r'<input[^>]+name="email"[^>]+aria-describedby="[^"]*id_email_error', html)
    assert 'aria-invalid="true"' in html


def test_account_non_field_errors_are_announced(client):
    html = client.post("/en/accounts/login/", {"login": "nobody@example.org", "password": "wrong-password"}).content
    assert '<ul class="errorlist" role="alert">' in html.decode()


def test_a_checkbox_puts_its_box_before_its_label(client):
    html = client.get("/en/accounts/login/").content.decode()
    assert re.search(r'<div class="form-row form-check">\s*<input type="checkbox" name="remember"[^>]*>\s*<label', html)


@pytest.mark.parametrize("url", ["/en/pledge/", "/en/accounts/login/", "/en/accounts/signup/"])
def test_every_form_page_uses_the_one_partial(client, url):
    html = client.get(url).content.decode()
    assert '<div class="form-row' in html
    assert "<p><label" not in html  # Django's as_p, which the partial replaces
