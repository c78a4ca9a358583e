from django.urls import path

from giving import views

app_name = "giving"

urlpatterns = [
    path("", views.give, name="give"),
    path("thanks/<uuid:public_id>/", views.thanks, name="thanks"),
    path("cancelled/<uuid:public_id>/", views.cancelled, name="cancelled"),
    path("my-gifts/", views.gifts, name="gifts"),
    path("my-gifts/sign-in/<str:token>/", views.gifts_sign_in, name="gifts_sign_in"),
    path("my-gifts/manage/<int:subscription_id>/", views.gifts_manage, name="gifts_manage"),
    path("my-gifts/receipts/<uuid:public_id>/", views.gifts_receipt, name="gifts_receipt"),
    path("my-gifts/sign-out/", views.gifts_sign_out, name="gifts_sign_out"),
    path("dev/checkout/<str:session_id>/", views.dev_checkout, name="dev_checkout"),
    path("dev/portal/<str:customer_id>/", views.dev_portal, name="dev_portal"),
    path("staff/", views.staff_overview, name="staff"),
    path("staff/statement.csv", views.staff_statement_csv, name="staff_statement"),
    path("staff/donations.csv", views.staff_donations_csv, name="staff_donations"),
    path("campaigns/<slug:slug>/", views.campaign, name="campaign"),
    path("campaigns/<slug:slug>/progress.json", views.campaign_progress_json, name="progress"),
    path("campaigns/<slug:slug>/give/", views.give, name="give_campaign"),
]
