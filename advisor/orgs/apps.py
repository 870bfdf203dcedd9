from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "advisor.orgs"
    label = "orgs"
