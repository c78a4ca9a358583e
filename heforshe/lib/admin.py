"""Admin hardening: hostile query strings and form posts get the admin's own error paths, not a 500.

Django's admin trusts a few request values it does not validate:
`?<field>__year=99999` on a date hierarchy (OverflowError while building
the bounds), a NUL character in a filter value (`?state=%00`, refused by
PostgreSQL when the list is counted), `_selected_action=abc` on an action (ValueError from the pk
lookup) and `?<fk>=abc` as the initial value of an add form (ValueError while
the widget renders). Mix `HardenedAdminMixin` into a ModelAdmin to send each
to the answer the admin gives for other bad input.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _


class HardenedChangeList(ChangeList):
    def get_filters(self, request):
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            # PostgreSQL refuses NUL in text: a choice filter (`?state=%00`) would fail in the query.
            raise IncorrectLookupParameters("NUL character in the query string")
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            # A date hierarchy year past 9998 overflows the datetime bounds.
            raise IncorrectLookupParameters(exc) from exc

    def get_results(self, request):
        try:
            return super().get_results(request)
        except (OverflowError, ValueError) as exc:
            # `?<date field>__year=99999` passes the filters and fails only when the query is compiled.
            raise IncorrectLookupParameters(exc) from exc


class HardenedAdminMixin:
    def get_changelist(self, request, **kwargs):
        return HardenedChangeList

    def response_action(self, request, queryset, **kwargs):
        pk_field = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                pk_field.to_python(value)
        except ValidationError:
            self.message_user(request, _("The selection was not valid; no action was taken."), messages.ERROR)
            return None  # the changelist redirects back to itself
        return super().response_action(request, queryset, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not (field.is_relation and field.concrete):
                continue
            try:
                for item in value if isinstance(value, list) else [value]:
                    field.target_field.to_python(item)
            except ValidationError:
                del initial[name]  # an unusable suggestion is dropped, not shown as an error
        return initial


def harden_site(site) -> None:
    """Give every ModelAdmin registered on `site` the hardening, third-party ones included.

    The project's own admins mix HardenedAdminMixin in; Django's (users, groups) and
    allauth's are registered by those packages, so they are re-registered here with the
    mixin in front of their own class. Called once the admin has autodiscovered.
    """
    for model, model_admin in list(site._registry.items()):
        cls = type(model_admin)
        if isinstance(model_admin, HardenedAdminMixin):
            continue
        hardened = type(f"Hardened{cls.__name__}", (HardenedAdminMixin, cls), {"__module__": cls.__module__})
        site.unregister(model)
        site.register(model, hardened)
