from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "advisor.plan"
    label = "plan"
