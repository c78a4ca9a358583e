from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("pledge/", views.pledge, name="pledge"),
    path("pledge/thanks/", views.pledge_thanks, name="thanks"),
    path("pledge/confirm/<str:token>/", views.pledge_confirm_page, name="confirm"),
    path("pledge/privacy/", views.privacy_request, name="privacy"),
    path("pledge/privacy/<str:token>/", views.privacy_manage, name="privacy_manage"),
    path("pledge/share.png", views.share_image, name="share_image"),
    path("map/", views.commitments_map, name="map"),
    # The map's plural forms ("1 pledge", "2 pledges", Arabic's six forms...) for its script.
    path("map/i18n.js", views.map_catalogue, name="map_i18n"),
    path("me/", views.me, name="me"),
    path("me/sign-in/<str:token>/", views.sign_in, name="sign_in"),
    path("me/export/", views.me_export, name="me_export"),
    path("me/erase/", views.me_erase, name="me_erase"),
    path("me/sign-out/", views.me_sign_out, name="me_sign_out"),
]
