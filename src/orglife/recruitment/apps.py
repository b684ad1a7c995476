from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "orglife.recruitment"
    label = "recruitment"
    verbose_name = "发展党员"

    def ready(self) -> None:
        # Each app labels its own audit actions; the audit pages read one merged table.
        from orglife.core.models import ACTION_LABELS

        from .models import ACTION_LABELS as OWN

        ACTION_LABELS.update(OWN)
