"""One signed, one-time email invitation, whatever it invites to.

A partner admin invites a colleague to act for the organisation
(`partners.PartnerInvitation`); Partnerships staff invite a champion to edit
their profile (`champions.Invitation`). Both are the same flow, described once
here by an `InvitationFlow`:

- the emailed link carries `[pk, key]` signed with the flow's salt, and expires;
- reading it tells a forged, expired, withdrawn or used link apart, each with
  a translated message (404 for a link that opens nothing, 410 for one that is
  spent);
- accepting claims the row with a conditional UPDATE, so a link works once
  even when two tabs accept at the same moment: the second is told, clearly,
  that the invitation was already used;
- following the link proves the address: it is marked verified, and a newcomer
  gets an account with it;
- `accept_view` serves the page both apps link to.

An invitation model has `email` (lower case), `key`, `language`,
`accepted_at` and `accepted_by`, and optionally `revoked_at`. What accepting
grants (a membership, a profile) stays with the app: its `accept` callable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from heforshe.lib.forms import DescribedErrorsMixin
from heforshe.lib.links import sign_in_url

EXPIRED = _("This invitation has expired. Ask for a new one.")
NOT_VALID = _("This invitation link is not valid.")
WITHDRAWN = _("This invitation was withdrawn.")
USED = _("This invitation was already used.")
PENDING = _("An invitation to this address is already waiting to be accepted.")
WRONG_ADDRESS = _("This invitation was sent to %(email)s; sign in with that address to accept it.")
ACCOUNT_EXISTS = _("An account with this address exists already: sign in to accept.")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


@dataclass(frozen=True)
class Lookup:
    """What a link opened: the invitation, or why not (`error`, translated)."""

    invitation: Any | None
    error: str = ""

    @property
    def status(self) -> int:
        """404 for a link that opens nothing, 410 for an invitation that is spent."""
        return 410 if self.invitation is not None else 404


@dataclass(frozen=True)
class InvitationFlow:
    model: type[models.Model]
    salt: str
    url_name: str
    max_age: Callable[[], dt.timedelta]
    select_related: tuple[str, ...] = field(default=())

    @property
    def revocable(self) -> bool:
        return any(f.name == "revoked_at" for f in self.model._meta.get_fields())

    def pending(self) -> dict:
        return {"accepted_at": None, **({"revoked_at": None} if self.revocable else {})}

    def token(self, invitation) -> str:
        return signing.dumps([invitation.pk, invitation.key], salt=self.salt, compress=True)

    def url(self, invitation) -> str:
        """The absolute link, under the invitee's language."""
        with translation.override(invitation.language):
            path = reverse(self.url_name, kwargs={"token": self.token(invitation)})
        return settings.SITE_URL + path

    def lookup(self, token: str) -> Lookup:
        try:
            pk, key = signing.loads(token, salt=self.salt, max_age=self.max_age())
        except signing.SignatureExpired:
            return Lookup(None, str(EXPIRED))
        except (signing.BadSignature, ValueError, TypeError):
            return Lookup(None, str(NOT_VALID))
        invitation = self.model.objects.select_related(*self.select_related).filter(pk=pk, key=key).first()
        if invitation is None:
            return Lookup(None, str(NOT_VALID))
        if self.revocable and invitation.revoked_at:
            return Lookup(None, str(WITHDRAWN))
        if invitation.accepted_at:
            return Lookup(invitation, str(USED))
        return Lookup(invitation)

    def check_address(self, invitation, user) -> None:
        if normalise_email(user.email) != invitation.email:
            raise ValidationError(WRONG_ADDRESS, params={"email": invitation.email})

    def claim(self, invitation, user) -> None:
        """Mark the invitation accepted by `user`, once; call inside the transaction that grants what it gives.

        Raises the translated "already used" error when another request claimed it first.
        """
        self.check_address(invitation, user)
        claimed = self.model.objects.filter(pk=invitation.pk, **self.pending()).update(
            accepted_at=timezone.now(), accepted_by=user
        )
        if not claimed:
            raise ValidationError(USED, code="used")
        verify_address(user=user, email=invitation.email)


def verify_address(*, user, email: str) -> None:
    """Following the emailed link proves control of the address: allauth need not ask again."""
    from allauth.account.models import EmailAddress

    address, _created = EmailAddress.objects.get_or_create(
        user=user, email__iexact=email, defaults={"email": email, "primary": True}
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


@transaction.atomic
def create_account(*, email: str, password: str):
    """A new account for the invited address, its email verified; refused when the address has one."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(ACCOUNT_EXISTS)
    user = User(username=email[:150], email=email)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


class AcceptNewAccountForm(DescribedErrorsMixin, forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Repeat the password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str = "", **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                validate_password(data["password1"], get_user_model()(username=self.email, email=self.email))
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


@dataclass(frozen=True)
class AcceptPage:
    """How one app's acceptance page differs: its template, what accepting grants, where it goes next."""

    flow: InvitationFlow
    template: str
    # accept(invitation, user): grants what the invitation gives; calls flow.claim inside its transaction.
    accept: Callable[[Any, Any], Any]
    welcome: Callable[[Any], str]
    done_url: str


def accept_view(page: AcceptPage):
    """The page an emailed link opens: sign in (or create the account), then accept with a POST."""

    @require_http_methods(["GET", "POST"])
    def view(request, token: str):
        lookup = page.flow.lookup(token)
        invitation = lookup.invitation
        if invitation is None or lookup.error:
            return render(request, page.template, {"error": lookup.error}, status=lookup.status)
        account_exists = get_user_model().objects.filter(email__iexact=invitation.email).exists()
        user = request.user
        signed_in_as_invitee = user.is_authenticated and normalise_email(user.email) == invitation.email
        form = None
        if not account_exists and not user.is_authenticated:
            form = AcceptNewAccountForm(request.POST or None, email=invitation.email)
        if request.method == "POST":
            accepted = False
            try:
                if signed_in_as_invitee:
                    page.accept(invitation, user)
                    accepted = True
                elif form is not None and form.is_valid():
                    with transaction.atomic():
                        new_user = create_account(email=invitation.email, password=form.cleaned_data["password1"])
                        page.accept(invitation, new_user)
                    login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
                    accepted = True
                elif form is None:
                    raise PermissionDenied  # an existing account signs in first; another account may not accept
            except ValidationError as exc:
                if form is not None:
                    form.add_error(None, exc)
                else:
                    messages.error(request, " ".join(exc.messages))
            # Only a real acceptance welcomes: a refused one says why instead.
            if accepted:
                messages.success(request, page.welcome(invitation))
                return redirect(page.done_url)
        return render(
            request,
            page.template,
            {
                "invitation": invitation,
                "form": form,
                "account_exists": account_exists,
                "signed_in_as_invitee": signed_in_as_invitee,
                "login_url": sign_in_url(request.get_full_path()),
            },
            status=400 if form is not None and form.errors else 200,
        )

    return view
