from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionKitsConfig(AppConfig):
    name = "actionkits"
    verbose_name = _("Action kits")
