"""Pages of the e-mailed one-time links: a new user (invitation) or a user who asked an admin for
a reset chooses their password, under the tenant's password policy (`user_password_set`)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.urls import reverse_lazy

from apps.console.sites import tenant_site
from apps.core.errors import DomainError
from apps.users import services


class PasswordSetForm(SetPasswordForm):
    """Django's form (two entries, every AUTH_PASSWORD_VALIDATORS check, the tenant's policy
    included), saved through the users' service."""

    def save(self, commit: bool = True):
        return services.user_password_set(user=self.user, password=self.cleaned_data["new_password1"])


class TenantPageMixin:
    """Renders in the tenant admin's frame (its header and styles)."""

    def get_context_data(self, **kwargs):
        return {**tenant_site.each_context(self.request), **super().get_context_data(**kwargs)}


class PasswordSetView(TenantPageMixin, auth_views.PasswordResetConfirmView):
    """Django's reset-confirm view: checks the link's token (expiry, single use), keeps it in the
    session out of the address bar and Referer, then shows the form."""

    form_class = PasswordSetForm
    template_name = "users/password_set.html"
    success_url = reverse_lazy("password_set_done")
    title = "Choose your password"

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as exc:  # the form checked already, unless the policy changed meanwhile
            form.add_error("new_password1", exc.message)
            return self.form_invalid(form)


class PasswordSetDoneView(TenantPageMixin, auth_views.PasswordResetCompleteView):
    template_name = "users/password_set_done.html"
    title = "Password set"
