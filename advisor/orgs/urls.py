"""Organisation pages, under /orgs/ (namespace "orgs"). Codes are random, never the pk."""

from __future__ import annotations

from django.urls import path

from advisor.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("new/", views.org_create, name="create"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("<slug:org_code>/", views.org_detail, name="detail"),
    path("<slug:org_code>/settings/", views.org_settings, name="settings"),
    path(
        "<slug:org_code>/members/<int:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "<slug:org_code>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("<slug:org_code>/invitations/new/", views.invitation_create, name="invitation_create"),
    path(
        "<slug:org_code>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
