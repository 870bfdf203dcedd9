from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin with the project's site (``advisor.admin_site``)."""

    default_site = "advisor.admin_site.AdminSite"
