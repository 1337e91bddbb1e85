"""The server-rendered login page (`username` is the email) and the e-mailed password links."""

from django.contrib.auth import views as auth_views
from django.urls import path

from apps.users.views import PasswordSetDoneView, PasswordSetView

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/done/", PasswordSetDoneView.as_view(), name="password_set_done"),
    path("password/<uidb64>/<token>/", PasswordSetView.as_view(), name="password_set"),
]
