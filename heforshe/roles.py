"""Staff roles, as Django groups with only the permissions each needs.

`ROLES` maps a group to the permissions it holds, as `app_label: actions`
(every model of the app) or `app_label.model: actions`. Apps add models over
time; `sync_roles` runs after every migrate, so a new model's permissions
reach the right group without another data migration. Delete is given
sparingly: curation rejects or withdraws rather than deleting.
"""

from __future__ import annotations

CURATORS = "Curators"
PARTNERSHIPS = "Partnerships"
KIT_EDITORS = "Kit editors"
PLEDGE_MODERATORS = "Pledge moderators"
MODERATORS = "Moderators"
COMMUNICATIONS = "Communications"
FINANCE = "Finance"

ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    CURATORS: {
        "stories": ("view", "add", "change"),
        "partners.partner": ("view",),
    },
    PARTNERSHIPS: {
        # Least privilege: reports are reviewed (custom permissions on the
        # model), never edited or deleted; the audit trail is read-only.
        "partners.partner": ("view", "add", "change"),
        "partners.partnermembership": ("view", "add", "change", "delete"),
        "partners.partnerinvitation": ("view", "add", "change"),
        "partners.commitment": ("view", "add", "change", "delete"),
        "partners.progressreport": ("view", "review_progressreport", "view_programme_overview"),
        "partners.reportvalue": ("view",),
        "partners.reportevidence": ("view",),
        "partners.reportevent": ("view",),
        "partners.reportreminder": ("view",),
        "pledges.pledge": ("view",),
        # Open challenges and answer solutions (the accountability loop); not moderation.
        "solutions.challenge": ("view", "add", "change"),
        "solutions.outcomeupdate": ("view", "add"),
        "solutions.solution": ("view",),
        "commitments.partnerdomain": ("view", "review_partnerdomain"),
        "commitments.embedorigin": ("view",),
        "commitments.apitoken": ("view",),
        # Champions: create, publish, invite, review changes, see reach; events of every partner.
        "champions.champion": ("view", "add", "change", "view_champion_reach"),
        "champions.revision": ("view", "change"),
        "champions.championvideo": ("view", "change"),
        "champions.invitation": ("view", "add"),
        "events.event": ("view", "add", "change"),
        "events.registration": ("view",),
    },
    KIT_EDITORS: {
        "actionkits": ("view", "add", "change", "delete"),
        "partners.partner": ("view",),
    },
    # Pledges: view, invalidate and export (custom permissions on Pledge); the catalogue of actions.
    # Exporting personal data is its own permission: Partnerships view pledges but never export them.
    PLEDGE_MODERATORS: {
        "pledges.pledge": ("view", "change", "invalidate", "export"),
        "pledges.action": ("view", "add", "change"),
        "pledges.recordedaction": ("view",),
    },
    # Solutions: review reports, hide, restore and edit posts (moderate_solution comes with "change");
    # reports are read-only evidence and nothing is ever deleted.
    MODERATORS: {
        "solutions.solution": ("view", "change"),
        "solutions.comment": ("view", "change"),
        "solutions.amendment": ("view", "change"),
        "solutions.report": ("view",),
        "solutions.challenge": ("view",),
    },
    # Newsletters: write, preview, test, schedule and send (send_newsletter); see and lift suppressions.
    # No pledge permission at all: recipients are chosen by segment, never browsed or exported.
    COMMUNICATIONS: {
        "newsletters.newsletter": ("view", "add", "change", "delete"),  # + send_newsletter (custom)
        "newsletters.newslettertranslation": ("view", "add", "change", "delete"),
        "newsletters.delivery": ("view",),
        "newsletters.suppression": ("view", "delete"),
        "newsletters.staffdigest": ("view",),
        "partners.partner": ("view",),
    },
    # Finance: donations, refunds (a custom permission) and sponsor statements; donor data is
    # theirs alone. Gifts and events are never edited by hand (the provider's webhooks are
    # the truth), only viewed; campaigns, rates, agreements and offers are kept by them.
    FINANCE: {
        "giving.donation": ("view", "refund_donation"),
        "giving.subscription": ("view",),
        "giving.providerevent": ("view",),
        "giving.matchallocation": ("view",),
        "giving.campaign": ("view", "add", "change"),
        "giving.currencyoption": ("view", "add", "change"),
        "giving.exchangerate": ("view", "add", "change"),
        "giving.sponsoragreement": ("view", "add", "change"),
        "giving.offer": ("view", "add", "change"),
        "partners.partner": ("view",),
    },
}


def permissions_for(group_name: str, *, permission_model, content_type_model):
    """The permission rows a group should hold, from the models installed now."""
    from django.apps import apps

    wanted = []
    for target, actions in ROLES[group_name].items():
        if "." in target:
            app_label, model_name = target.split(".", 1)
            models = [m for m in apps.get_app_config(app_label).get_models() if m._meta.model_name == model_name]
        else:
            models = list(apps.get_app_config(target).get_models())
        for model in models:
            ct = content_type_model.objects.get_for_model(model, for_concrete_model=False)
            codenames = [f"{action}_{model._meta.model_name}" for action in actions]
            wanted.extend(permission_model.objects.filter(content_type=ct, codename__in=codenames))
            # Custom permissions declared in Meta.permissions belong to the role too.
            # A model's custom permissions (Meta.permissions) go to roles that may
            # change it, or that name them explicitly: viewing alone grants none.
            declared = [codename for codename, _label in model._meta.permissions]
            custom = [c for c in declared if "change" in actions or c in actions]
            if custom:
                wanted.extend(permission_model.objects.filter(content_type=ct, codename__in=custom))
    return wanted


def sync_roles(*, group_model=None, permission_model=None, content_type_model=None) -> None:
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    group_model = group_model or Group
    permission_model = permission_model or Permission
    content_type_model = content_type_model or ContentType
    for name in ROLES:
        group, _created = group_model.objects.get_or_create(name=name)
        group.permissions.set(
            permissions_for(name, permission_model=permission_model, content_type_model=content_type_model)
        )


def sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    # post_migrate fires once per app; the last app in INSTALLED_APPS is the
    # moment every model's permissions exist.
    from django.apps import apps

    if app_config is None or app_config.label != list(apps.get_app_configs())[-1].label:
        return
    sync_roles()
