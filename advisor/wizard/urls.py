from django.urls import path

from advisor.wizard import views

app_name = "wizard"

urlpatterns = [
    path("wizard/", views.start, name="start"),
    path("wizard/start-over/", views.start_over, name="start_over"),
    path("wizard/restart/", views.restart, name="restart"),
    path("wizard/step/<slug:key>/", views.question, name="question"),
    path("wizard/priorities/", views.priorities, name="priorities"),
    path("wizard/review/", views.review, name="review"),
    path("wizard/result/", views.result, name="result"),
]
