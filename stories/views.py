from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


def index(request):
    return render(
        request, "section.html", {"title": _("Local stories"), "lead": _("No stories have been published yet.")}
    )
