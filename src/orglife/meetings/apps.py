from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "orglife.meetings"
    label = "meetings"
    verbose_name = "组织生活"
