from django.apps import AppConfig


class WizardConfig(AppConfig):
    name = "advisor.wizard"
    label = "wizard"

    def ready(self) -> None:
        from advisor.wizard import store  # noqa: F401 - connects the login/logout receivers
