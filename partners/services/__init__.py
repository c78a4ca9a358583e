"""Writes of the partners app, one module per sub-domain.

- `organisations`: the partner itself (sign-up target, logo).
- `memberships`: who acts for a partner, and the invitations that make them.
- `commitments`: commitments and their derived status.
- `reports`: progress reports and the one state machine, `report_transition`,
  which checks the transition, saves with `update_fields` and writes a
  `ReportEvent` (and an audit-log entry) in the same transaction.
- `evidence`: files attached to reports.
- `reminders`: the beat sweep (periods, overdue flags, reminder emails).

Callers import from `partners.services`; the names below are its interface.
"""

from __future__ import annotations

from partners.services.commitments import (
    COMMITMENT_FIELDS,
    commitment_check_title,
    commitment_create,
    commitment_update,
    commitments_adopt_framework,
    derive_commitment_status,
)
from partners.services.evidence import (
    EVIDENCE_TYPES,
    MAX_EVIDENCE_FILES,
    report_add_evidence,
    report_remove_evidence,
    validate_evidence,
)
from partners.services.memberships import (
    INVITATION_FLOW,
    PENDING_MESSAGE,
    InvitationLookup,
    account_partner,
    invitation_accept,
    invitation_accept_new_user,
    invitation_check,
    invitation_create,
    invitation_from_token,
    invitation_resend,
    invitation_revoke,
    invitation_send,
    invitation_token,
    invitation_url,
    is_partner_admin,
    membership_set,
)
from partners.services.organisations import LOGO_TYPES, logo_check_size, logo_validate, partner_set_signup_target
from partners.services.reminders import (
    REMINDER_CLAIM_TTL,
    REMINDER_MAX_ATTEMPTS,
    ReminderSendError,
    reminder_send,
    reminders_dispatch_unsent,
    reminders_schedule,
    reports_flag_overdue,
    reports_open_due_periods,
    reports_sweep,
)
from partners.services.reports import (
    DUPLICATE_PERIOD_MESSAGE,
    TRANSITIONS,
    Transition,
    apply_approved_report,
    can_review_reports,
    report_create,
    report_status_notify,
    report_transition,
    report_update,
    review_check,
)

__all__ = [
    "COMMITMENT_FIELDS",
    "DUPLICATE_PERIOD_MESSAGE",
    "EVIDENCE_TYPES",
    "INVITATION_FLOW",
    "LOGO_TYPES",
    "MAX_EVIDENCE_FILES",
    "REMINDER_CLAIM_TTL",
    "REMINDER_MAX_ATTEMPTS",
    "TRANSITIONS",
    "PENDING_MESSAGE",
    "InvitationLookup",
    "account_partner",
    "ReminderSendError",
    "Transition",
    "apply_approved_report",
    "can_review_reports",
    "commitment_check_title",
    "commitment_create",
    "commitment_update",
    "commitments_adopt_framework",
    "derive_commitment_status",
    "invitation_accept",
    "invitation_accept_new_user",
    "invitation_check",
    "invitation_create",
    "invitation_from_token",
    "invitation_resend",
    "invitation_revoke",
    "invitation_send",
    "invitation_token",
    "invitation_url",
    "is_partner_admin",
    "logo_check_size",
    "logo_validate",
    "membership_set",
    "partner_set_signup_target",
    "reminder_send",
    "reminders_dispatch_unsent",
    "reminders_schedule",
    "report_add_evidence",
    "report_create",
    "report_remove_evidence",
    "report_status_notify",
    "report_transition",
    "report_update",
    "reports_flag_overdue",
    "reports_open_due_periods",
    "reports_sweep",
    "review_check",
    "validate_evidence",
]
