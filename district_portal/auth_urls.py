"""Login, logout, password reset and language switching — the same on every host, open to all."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import set_language

from api.tokens import tokens_page
from tenants.access import public_view
from tenants.forms import GuardedAuthenticationForm

urlpatterns = [
    path(
        "login/",
        public_view(
            auth_views.LoginView.as_view(
                redirect_authenticated_user=True, authentication_form=GuardedAuthenticationForm
            )
        ),
        name="login",
    ),
    path("logout/", public_view(auth_views.LogoutView.as_view()), name="logout"),
    path("password-reset/", public_view(auth_views.PasswordResetView.as_view()), name="password_reset"),
    path(
        "password-reset/sent/",
        public_view(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        public_view(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        public_view(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("i18n/setlang/", public_view(set_language), name="set_language"),
    path("tokens/", tokens_page, name="api-tokens"),
]
