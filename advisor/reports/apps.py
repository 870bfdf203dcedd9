from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "advisor.reports"
    label = "reports"

    def ready(self) -> None:
        from advisor.reports import receivers  # noqa: F401  (connects them)
