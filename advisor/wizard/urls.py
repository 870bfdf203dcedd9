from django.urls import path

from advisor.wizard import plan_views, views

app_name = "wizard"

urlpatterns = [
    path("wizard/", views.start, name="start"),
    path("wizard/start-over/", views.start_over, name="start_over"),
    path("wizard/restart/", views.restart, name="restart"),
    path("wizard/step/<slug:key>/", views.question, name="question"),
    path("wizard/priorities/", views.priorities, name="priorities"),
    path("wizard/review/", views.review, name="review"),
    path("wizard/result/", views.result, name="result"),
    path("plan/", plan_views.plan, name="plan"),
    path("plan/add/", plan_views.plan_add, name="plan_add"),
    path("plan/from-result/", plan_views.plan_from_result, name="plan_from_result"),
    path("plan/remove/<int:index>/", plan_views.plan_remove, name="plan_remove"),
    path("plan/edit/<int:index>/", plan_views.plan_edit, name="plan_edit"),
    path("plan/organisation/", plan_views.plan_wide, name="plan_wide"),
    path("plan/policy.json", plan_views.plan_policy, name="plan_policy"),
    path("plan/litellm.yaml", plan_views.plan_litellm, name="plan_litellm"),
    path("plan/portkey.json", plan_views.plan_portkey, name="plan_portkey"),
]
