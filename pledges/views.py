from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


def pledge(request):
    return render(request, "section.html", {"title": _("Take the pledge"), "lead": _("The pledge form opens soon.")})


def commitments_map(request):
    return render(request, "section.html", {"title": _("HeForShe Commitments"), "lead": _("The live map opens soon.")})
