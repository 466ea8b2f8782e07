from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "maatpact.assessments"
    verbose_name = "Zelfredzaamheid (ZRM)"
