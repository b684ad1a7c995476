from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "orglife.disclosure"
    label = "disclosure"
    verbose_name = "党务公开"

    def ready(self) -> None:
        # Each app labels its own audit actions; the audit pages read one merged table.
        from orglife.core.models import ACTION_LABELS

        from .models import ACTION_LABELS as OWN

        ACTION_LABELS.update(OWN)
