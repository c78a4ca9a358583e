from django.urls import path

from solutions import views

app_name = "solutions"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("map/", views.solutions_map, name="map"),
    path("join/", views.join, name="join"),
    path("join/<str:token>/", views.join_confirm, name="join_confirm"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("stop-emails/<str:token>/", views.stop_emails, name="stop_emails"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.manage_new, name="manage_new"),
    path("manage/solutions/<int:pk>/outcome/", views.manage_outcome, name="manage_outcome"),
    path("c/<slug:slug>/", views.challenge, name="challenge"),
    path("c/<slug:slug>/propose/", views.propose, name="propose"),
    path("c/<slug:slug>/follow/", views.follow_challenge, name="follow_challenge"),
    path("<int:pk>/", views.solution, name="solution"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/support/", views.support, name="support"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/report/", views.report_solution, name="report"),
    path("<int:pk>/follow/", views.follow_solution, name="follow"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("comments/<int:pk>/report/", views.report_comment, name="report_comment"),
    path("amendments/<int:pk>/answer/", views.amendment_answer, name="amendment_answer"),
    path("amendments/<int:pk>/report/", views.report_amendment, name="report_amendment"),
]
