from django.db import models


class HistoryAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DELETED = "deleted", "Deleted"
    RESTORED = "restored", "Restored"
    MERGED = "merged", "Merged"
    UNMERGED = "unmerged", "Unmerged"
