from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Newsletters")

    def ready(self) -> None:
        from django.apps import apps

        from heforshe.lib import mail, privacy
        from heforshe.lib.audit import register_actions
        from newsletters import digest, segments, services, tracking

        privacy.register("newsletters", export=services.person_export, erase=services.person_erase)
        mail.register_suppression(
            check=services.is_suppressed,
            record=services.suppression_record_refusal,
            check_many=services.suppressed_among,
        )
        tracking.connect()
        if apps.is_installed("events"):
            segments.register_event_segments()  # read through events.selectors
        digest._register_builtin()
        register_actions(
            {
                "newsletters.scheduled": _("Newsletter scheduled"),
                "newsletters.started": _("Newsletter sending started"),
                "newsletters.cancelled": _("Newsletter cancelled"),
                "newsletters.test_sent": _("Newsletter test sent"),
                "newsletters.suppression_removed": _("Suppressed address removed"),
            }
        )
