from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Commitments app")

    def ready(self) -> None:
        from commitments.services import privacy_erase, privacy_export
        from heforshe.lib import privacy
        from heforshe.lib.audit import register_actions

        privacy.register("commitments", export=privacy_export, erase=privacy_erase)

        register_actions(
            {
                "commitments.domain_requested": _("Email domain requested"),
                "commitments.domain_approved": _("Email domain approved"),
                "commitments.domain_rejected": _("Email domain refused"),
                "commitments.domain_removed": _("Email domain removed"),
                "commitments.origin_removed": _("Widget site removed"),
                "commitments.origin_requested": _("Widget site requested"),
                "commitments.origin_approved": _("Widget site approved"),
                "commitments.origin_rejected": _("Widget site refused"),
                "commitments.token_created": _("API token created"),
                "commitments.token_revoked": _("API token revoked"),
                "commitments.token_used": _("API token used"),
                "commitments.token_refused": _("API token refused"),
                "commitments.branding_changed": _("Commitments page changed"),
                "commitments.child_invited": _("Partner organisation invited"),
            }
        )
