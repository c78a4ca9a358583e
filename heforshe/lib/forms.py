"""Putting a service's refusal on the form that asked for it."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def apply_errors(form, exc: ValidationError) -> None:
    """Each message of `exc` on its field when the form has that field, else on the form as a whole."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
