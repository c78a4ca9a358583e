"""Provider webhooks (anymail's tracking endpoints: Amazon SES, Mailgun, Postmark, SendGrid, Brevo...).

Anymail checks each provider's authentication (the shared basic-auth secret, and the provider's
signature where it signs, e.g. Mailgun's HMAC) before sending its normalised `tracking` signal;
a forged POST is refused with 400/403 and never reaches us. Hard bounces and complaints suppress
the address; the delivery, found by the provider's message id, records what happened.
"""

from __future__ import annotations

from anymail.signals import tracking
from django.db.models import Q

from newsletters.models import Delivery, Suppression

SUPPRESSING = {"bounced": Suppression.Reason.BOUNCED, "complained": Suppression.Reason.COMPLAINED}


def on_tracking(sender, event, esp_name, **kwargs) -> None:
    from newsletters.services import suppression_add

    reason = SUPPRESSING.get(event.event_type)
    if reason is None or not event.recipient:
        return
    detail = event.description or event.mta_response or event.reject_reason or ""
    suppression_add(email=event.recipient, reason=reason, source=esp_name.lower(), detail=str(detail))
    if event.message_id:
        # Providers that keep our Message-ID header report it (Mailgun); others their own id.
        message_id = str(event.message_id)
        Delivery.objects.filter(Q(esp_message_id=message_id) | Q(message_id=message_id)).update(
            status=Delivery.Status.FAILED, error=f"{event.event_type}: {detail}"[:300]
        )


def connect() -> None:
    tracking.connect(on_tracking, dispatch_uid="newsletters.tracking")
