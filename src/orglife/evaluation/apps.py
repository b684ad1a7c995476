from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "orglife.evaluation"
    label = "evaluation"
    verbose_name = "评议与考核"

    def ready(self) -> None:
        # Each app labels its own audit actions; the audit pages read one merged table.
        from orglife.core.models import ACTION_LABELS

        from .models import ACTION_LABELS as OWN

        ACTION_LABELS.update(OWN)
