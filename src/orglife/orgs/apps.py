from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orglife.orgs"
    label = "orgs"
    verbose_name = "组织与党员"
