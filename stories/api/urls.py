from django.urls import include, path

from stories.api import views

story_patterns = (
    [
        path("stories/", views.StoryListApi.as_view(), name="list"),
        path("stories/<slug:slug>/", views.StoryDetailApi.as_view(), name="detail"),
    ],
    "stories-api",
)

urlpatterns = [path("", include(story_patterns))]
