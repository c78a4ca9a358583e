from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Pledges")

    def ready(self) -> None:
        from heforshe.lib.audit import register_actions

        register_actions(
            {
                "pledges.exported": _("Pledges exported"),
                "pledges.invalidated": _("Pledge invalidated"),
            }
        )
