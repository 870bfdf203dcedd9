"""The project's admin site: Django's, plus the pages that sit above the knowledge.

The "Try the rules" page ranks answers with the advice, which sits above the knowledge app,
so the knowledge admin cannot own it without importing upwards. The site, which sees every
app, adds it at its usual address (``/admin/knowledge/rule/try-it/``, URL name
``admin:knowledge_tryit``). Installed by ``advisor.apps.AdminConfig``.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from advisor import tryit


class AdminSite(admin.AdminSite):
    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [
            path(
                "knowledge/rule/try-it/",
                self.admin_view(self.try_it_view),
                name="knowledge_tryit",
            ),
            *super().get_urls(),
        ]

    def try_it_view(self, request: HttpRequest) -> HttpResponse:
        return tryit.try_it(request, self)
