from django.urls import include, path

from solutions.api import views

patterns = (
    [
        path("solutions/challenges/", views.ChallengeListApi.as_view(), name="challenges"),
        path("solutions/challenges/<slug:slug>/", views.ChallengeDetailApi.as_view(), name="challenge"),
        path("solutions/", views.SolutionListApi.as_view(), name="list"),
        path("solutions/<int:pk>/", views.SolutionDetailApi.as_view(), name="detail"),
    ],
    "solutions-api",
)

urlpatterns = [path("", include(patterns))]
