from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import settings_views, views
from .forms import PasswordSetupForm

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("sign-in/organisation/<slug:slug>/", views.sso_start, name="sso_start"),
    path("sign-in/organisation-callback/", views.sso_callback, name="sso_callback"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("single-sign-on/", settings_views.sso_settings, name="sso_settings"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path(
        "authenticator-reset/<int:user_id>/",
        views.second_factor_reset,
        name="second_factor_reset",
    ),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=PasswordSetupForm,
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_sent"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_sent",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
