from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


def index(request):
    return render(request, "section.html", {"title": _("Action kits"), "lead": _("No action kits are published yet.")})
