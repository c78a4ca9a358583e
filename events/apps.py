from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from events import services
        from heforshe.lib import privacy
        from heforshe.lib.audit import register_actions

        privacy.register("events", export=services.privacy_export, erase=services.privacy_erase)
        register_actions(
            {
                "events.event.created": _("Event created"),
                "events.event.changed": _("Event changed"),
                "events.event.cancelled": _("Event cancelled"),
                "events.checkin.done": _("Person checked in"),
                "events.checkin.undone": _("Check-in undone"),
            }
        )
        from events.panels import register as register_panels

        register_panels()
