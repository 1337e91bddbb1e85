from django.apps import AppConfig
from django.db.backends.signals import connection_created


def trigram_thresholds(sender, connection, **kwargs) -> None:
    """Contact search matches typos by trigram word similarity through the GIN index, whose
    operator (`<%`) uses this session setting (pg_trgm's default, 0.6, misses `jonhson`)."""
    if connection.vendor != "postgresql":
        return
    from apps.contacts.selectors import TYPO_SIMILARITY

    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(TYPO_SIMILARITY)])


class ContactsConfig(AppConfig):
    name = "apps.contacts"
    label = "contacts"

    def ready(self) -> None:
        connection_created.connect(trigram_thresholds, dispatch_uid="contacts_trigram_thresholds")
