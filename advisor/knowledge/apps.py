from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "advisor.knowledge"
    label = "knowledge"
