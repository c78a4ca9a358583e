"""Who may open a partner's pages: signed in and acting for an active partner organisation."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from partners import selectors
from partners.models import PartnerMembership


def partner_member_required(admin_only: bool = False, staff_redirect: str = ""):
    """Signed in, acting for an active partner (and its admin if `admin_only`), else 403.

    Partnerships staff without a partner of their own are sent to `staff_redirect` when given.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            membership = selectors.membership_for_user(user=request.user)
            if membership is None:
                if staff_redirect and request.user.has_perm("partners.view_programme_overview"):
                    return redirect(staff_redirect)
                raise PermissionDenied
            if admin_only and membership.role != PartnerMembership.Role.ADMIN:
                raise PermissionDenied
            request.membership = membership
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
