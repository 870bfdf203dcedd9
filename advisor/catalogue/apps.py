from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "advisor.catalogue"
    label = "catalogue"
    verbose_name = "Model catalogue"

    def ready(self) -> None:
        from advisor.catalogue import signals

        signals.connect()
