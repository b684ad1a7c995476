from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "orglife.dues"
    label = "dues"
    verbose_name = "党费"

    def ready(self) -> None:
        # Each app labels its own audit actions; the audit pages read one merged table.
        from orglife.core.models import ACTION_LABELS

        from .models import ACTION_LABELS as OWN

        ACTION_LABELS.update(OWN)
        # Like the other rule libraries, a broken dues.yaml or a profile with an invalid
        # dues_rounding option stops the server and every command at start-up.
        from orglife.rules.loader import load_all

        from . import rules

        rules.library()
        for profile in load_all().values():
            rules.rounding_step(profile)
