from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "advisor.api"
    label = "api"
