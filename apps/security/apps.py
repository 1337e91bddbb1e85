from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Security events, tenant security config, rate limits."""

    name = "apps.security"
    label = "security"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from apps.security import logins

        user_login_failed.connect(logins.on_login_failed, dispatch_uid="crm-login-failed")
        user_logged_in.connect(logins.on_logged_in, dispatch_uid="crm-logged-in")
        user_logged_out.connect(logins.on_logged_out, dispatch_uid="crm-logged-out")
