from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("locked/", views.locked_list, name="locked_list"),
    path("locked/unlock/", views.locked_unlock, name="locked_unlock"),
    path("me/", views.account, name="account"),
    # Django's own password_change/ address, served here (the root URLs list these first).
    path("password_change/", views.password_change, name="password_change"),
    path("otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/remove/", views.otp_remove, name="otp_remove"),
]
