"""What a confidential OAuth client may do on its own (client_credentials tokens)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from oauth2_provider.settings import oauth2_settings


class OAuthClientPermissions(models.Model):
    """The permission strings a client's `client_credentials` tokens may carry (none if absent)."""

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="crm_permissions"
    )
    permissions = ArrayField(models.CharField(max_length=100), default=list, blank=True)

    def __str__(self) -> str:
        return f"permissions of client {self.application_id}"
