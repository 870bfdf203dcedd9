"""``/plan/``: the routing plan's pages and its gateway downloads (names ``plan:...``)."""

from django.urls import path

from advisor.plan import views

app_name = "plan"

urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("plan/add/", views.plan_add, name="plan_add"),
    path("plan/from-result/", views.plan_from_result, name="plan_from_result"),
    path("plan/remove/<int:index>/", views.plan_remove, name="plan_remove"),
    path("plan/edit/<int:index>/", views.plan_edit, name="plan_edit"),
    path("plan/organisation/", views.plan_wide, name="plan_wide"),
    path("plan/policy.json", views.plan_policy, name="plan_policy"),
    path("plan/litellm.yaml", views.plan_litellm, name="plan_litellm"),
    path("plan/portkey.json", views.plan_portkey, name="plan_portkey"),
]
