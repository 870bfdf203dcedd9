from django.contrib import admin
from django.urls import include, path

from advisor import views
from advisor.wizard import views as wizard_views

handler404 = views.page_not_found
handler500 = views.server_error

urlpatterns = [
    path("", wizard_views.home, name="home"),
    path("", include("advisor.wizard.urls")),
    path("", include("advisor.plan.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("accounts/", include("advisor.orgs.account_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("orgs/", include("advisor.orgs.urls")),
    path("", include("advisor.reports.urls")),
    path("api/v1/", include("advisor.api.urls")),
    path("admin/", admin.site.urls),
]
