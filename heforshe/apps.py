from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HeForSheConfig(AppConfig):
    name = "heforshe"
    verbose_name = "HeForShe"

    def ready(self) -> None:
        from heforshe.roles import sync_roles_after_migrate

        # Roles are re-synced after every migrate so permissions of models added
        # by later migrations reach their group without a new data migration.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="heforshe-sync-roles")
