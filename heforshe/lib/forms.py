"""What every form of the site shares."""

from __future__ import annotations


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
