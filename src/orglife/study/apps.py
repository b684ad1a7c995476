from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "orglife.study"
    label = "study"
    verbose_name = "学习与考试"

    def ready(self) -> None:
        # Each app labels its own audit actions; the audit pages read one merged table.
        from orglife.core.models import ACTION_LABELS

        from .models import ACTION_LABELS as OWN

        ACTION_LABELS.update(OWN)
