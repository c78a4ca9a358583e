from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GivingConfig(AppConfig):
    name = "giving"
    verbose_name = _("Giving")

    def ready(self) -> None:
        from giving import services
        from heforshe.lib import privacy
        from heforshe.lib.audit import register_actions

        register_actions(
            {
                "giving.refund.requested": _("Refund requested"),
                "giving.donations.exported": _("Donations exported"),
                "giving.statement.exported": _("Sponsor statement exported"),
                "giving.record.changed": _("Giving record changed"),
                "giving.record.created": _("Giving record created"),
                "giving.record.deleted": _("Giving record deleted"),
                "giving.donor.erased": _("Donor anonymised"),
            }
        )
        privacy.register("giving", export=services.donor_export, erase=services.donor_erase)

        from giving.selectors import partner_sponsorships
        from heforshe.lib import panels

        def sponsorship_panel(partner) -> dict | None:
            sponsorships = partner_sponsorships(partner_id=partner.pk)
            return {"sponsorships": sponsorships} if sponsorships else None

        panels.register(
            "partner", "giving.sponsorship", template="giving/_partner_sponsorship.html", context=sponsorship_panel
        )
