from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "orglife.inspection"
    label = "inspection"
    verbose_name = "检查与整改"
