from django.urls import path

from champions import views

app_name = "champions"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("mine/video/", views.mine_video, name="mine_video"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/invite/", views.staff_invite, name="staff_invite"),
    path("staff/revisions/<int:pk>/", views.staff_review, name="staff_review"),
    path("staff/<int:pk>/video/", views.staff_video, name="staff_video"),
    path("staff/videos/<int:pk>/", views.staff_video_review, name="staff_video_review"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/reach.json", views.reach, name="reach"),
    path("<slug:slug>/share.png", views.share_image, name="share_image"),
]
