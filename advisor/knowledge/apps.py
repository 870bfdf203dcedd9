from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "advisor.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge base"

    def ready(self) -> None:
        from advisor.knowledge import checks, protection, signals

        signals.connect()
        protection.connect()
        checks.register()
