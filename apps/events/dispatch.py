"""Publishing committed outbox events. The events module replaces `schedule` with the real
dispatcher (Celery task + beat sweep); until then events wait in the outbox, unpublished."""


def schedule(schema_name: str, seq: int) -> None:
    return None
