from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("locked/", views.locked_list, name="locked_list"),
    path("locked/unlock/", views.locked_unlock, name="locked_unlock"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/<int:user_pk>/tokens/", views.user_tokens, name="user_tokens"),
    path("users/<int:user_pk>/tokens/<int:pk>/revoke/", views.user_token_revoke, name="user_token_revoke"),
    path("me/", views.account, name="account"),
    # Django's own password_change/ address, served here (the root URLs list these first).
    path("password_change/", views.password_change, name="password_change"),
    path("otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/remove/", views.otp_remove, name="otp_remove"),
]
