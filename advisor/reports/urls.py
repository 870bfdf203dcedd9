from django.urls import path

from advisor.reports import views

app_name = "reports"

urlpatterns = [
    path("reports/save/", views.save, name="save"),
    path("orgs/<slug:org_code>/reports/", views.report_list, name="list"),
    path("orgs/<slug:org_code>/links/", views.org_links, name="links"),
    path("orgs/<slug:org_code>/reports/<slug:code>/", views.report_detail, name="detail"),
    path("orgs/<slug:org_code>/reports/<slug:code>/edit/", views.report_edit, name="edit"),
    path("orgs/<slug:org_code>/reports/<slug:code>/delete/", views.report_delete, name="delete"),
    path("orgs/<slug:org_code>/reports/<slug:code>/rerun/", views.report_rerun, name="rerun"),
    path(
        "orgs/<slug:org_code>/reports/<slug:code>/export.<str:fmt>",
        views.report_export,
        name="export",
    ),
    path(
        "orgs/<slug:org_code>/reports/<slug:code>/routing/<str:filename>",
        views.report_routing,
        name="routing",
    ),
    path("orgs/<slug:org_code>/reports/<slug:code>/links/", views.share_create, name="share"),
    path(
        "orgs/<slug:org_code>/reports/<slug:code>/links/<int:link_id>/revoke/",
        views.share_revoke,
        name="revoke",
    ),
    # A shared report: read-only, no login.
    path("s/<str:token>/", views.shared, name="shared"),
    path("s/<str:token>/export.pdf", views.shared_pdf, name="shared_pdf"),
]
