from django.apps import AppConfig


class WizardConfig(AppConfig):
    name = "advisor.wizard"
    label = "wizard"
