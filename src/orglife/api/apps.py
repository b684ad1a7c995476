from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "orglife.api"
    label = "api"
