from django.urls import path

from actionkits.api.views import ActionKitListApi

urlpatterns = [
    path("action-kits/", ActionKitListApi.as_view(), name="api-action-kits"),
]
