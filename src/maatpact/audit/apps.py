from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "maatpact.audit"
    verbose_name = "Audittrail"

    def ready(self):
        from . import checks  # noqa: F401  (registers the key checks)
