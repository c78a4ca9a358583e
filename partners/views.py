from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


def index(request):
    return render(
        request, "section.html", {"title": _("IMPACT 10x10x10 champions"), "lead": _("No champions are listed yet.")}
    )
