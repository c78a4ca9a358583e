"""The providers' tracking webhooks, mounted as `/anymail/<esp>/tracking/` only once configured.

Anymail's own views do the work (authentication, signature checks, parsing). Amazon SES's notifications
come through Amazon SNS, whose signature `newsletters.sns` verifies before anymail sees them. A provider answers 404
until the shared basic-auth secret (ANYMAIL_WEBHOOK_SECRET) and the provider's signing key, where it
has one, are set: an unconfigured endpoint never accepts unauthenticated posts, and never answers a
500 for a missing key either.
"""

from __future__ import annotations

import logging

from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from anymail.webhooks.brevo import BrevoTrackingWebhookView
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from anymail.webhooks.sendgrid import SendGridTrackingWebhookView
from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from newsletters import sns

logger = logging.getLogger(__name__)

PROVIDERS = {
    "amazon_ses": (AmazonSESTrackingWebhookView.as_view(), ()),
    "brevo": (BrevoTrackingWebhookView.as_view(), ()),
    "mailgun": (MailgunTrackingWebhookView.as_view(), ("MAILGUN_WEBHOOK_SIGNING_KEY",)),
    "postmark": (PostmarkTrackingWebhookView.as_view(), ()),
    "sendgrid": (SendGridTrackingWebhookView.as_view(), ()),
}


@csrf_exempt
def tracking(request, esp: str):
    config = getattr(settings, "ANYMAIL", {}) or {}
    if esp not in PROVIDERS:
        raise Http404
    view, required = PROVIDERS[esp]
    if not config.get("WEBHOOK_SECRET") or not all(config.get(key) for key in required):
        raise Http404
    if esp == "amazon_ses" and request.method == "POST":
        # Anymail checks the basic-auth secret; Amazon's own signature is checked here, first.
        try:
            sns.verify(request.body)
        except sns.InvalidSNSMessage as exc:
            logger.warning("refused an SNS message: %s", exc)
            return HttpResponseBadRequest(_("This notification does not carry a valid Amazon SNS signature."))
    return view(request)
