"""What every form of the site shares: errors tied to their fields, a service's refusals put on the form."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class DescribedErrorsMixin:
    """Ties each field's errors to it with aria-describedby, for screen readers."""

    def _tie_errors(self) -> None:
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                ids = field.widget.attrs.get("aria-describedby", "").split()
                if field.help_text:
                    # Setting the attribute ourselves turns off Django's own help-text link: keep it.
                    ids.append(f"{self[name].auto_id}_helptext")
                ids.append(f"{self[name].auto_id}_error")
                field.widget.attrs["aria-describedby"] = " ".join(ids)
                field.widget.attrs["aria-invalid"] = "true"

    def full_clean(self):
        super().full_clean()
        self._tie_errors()


def apply_errors(form, exc: ValidationError) -> None:
    """Each message of `exc` on its field when the form has that field, else on the form as a whole."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
