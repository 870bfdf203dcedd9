from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "advisor.orgs"
    label = "orgs"

    def ready(self) -> None:
        from advisor import checks  # noqa: F401 - registers the deploy checks
