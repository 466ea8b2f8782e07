from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "maatpact.audit"
    verbose_name = "Audittrail"
