"""Partners themselves: the sign-up target and the logo."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partners.models import (
    Partner,
)


@transaction.atomic
def partner_set_signup_target(*, partner: Partner, target: int) -> Partner:
    """Set the number of men the partner aims to enlist.

    The framework's sign-up commitment (e.g. the universities' "men and boys on
    campus sign up") is the same promise: it takes this target unless the
    partner already gave it one of its own.
    """
    from partners.frameworks import SIGNUP_ACTIONS

    if target < 0:
        raise ValidationError({"signup_target": _("The target cannot be negative.")})
    partner.signup_target = target
    partner.save(update_fields=["signup_target", "updated_at"])
    partner.commitments.filter(framework_code__in=SIGNUP_ACTIONS, target_value=None).update(target_value=target)
    return partner
