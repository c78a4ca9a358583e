from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionKitsConfig(AppConfig):
    name = "actionkits"
    verbose_name = _("Action kits")

    def ready(self) -> None:
        from heforshe.lib.audit import register_actions

        register_actions(
            {
                "actionkits.translation_saved": _("Kit language saved"),
                "actionkits.translation_restored": _("Kit language restored to an earlier version"),
            }
        )
