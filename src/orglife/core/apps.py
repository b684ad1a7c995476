from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "orglife.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        # Validate the rule libraries at start-up: a bad profile must stop the server, not a page.
        from orglife.rules.loader import load_all

        load_all()
