"""Opaque, prefixed, time-ordered ids (`contact_01JH...`), the same in REST, GraphQL and events.

A lookup with an id of the wrong type simply matches nothing, so it answers 404, never 500.
"""

import base64
import functools
import os
import time

from django.db import models

# RFC 4648 base32 spelled in Crockford's alphabet (no I, L, O, U): the C encoder does the work.
_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def new_id(prefix: str) -> str:
    """`<prefix>_` + a ULID: 48 bits of milliseconds, then 80 random bits, so ids sort by creation."""
    millis = int(time.time() * 1000)
    # 128 bits in 26 base32 digits: encode 160 bits (20 bytes, 32 digits) and keep the last 26.
    ulid = (millis << 80 | int.from_bytes(os.urandom(10), "big")).to_bytes(20, "big")
    return f"{prefix}_{base64.b32encode(ulid)[6:].decode().translate(_CROCKFORD)}"


def id_factory(prefix: str):
    return functools.partial(new_id, prefix)


class PrefixedIdField(models.CharField):
    """Primary key holding a prefixed id, generated on creation."""

    def __init__(self, prefix: str = "", *args, **kwargs):
        self.prefix = prefix
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("primary_key", True)
        kwargs["editable"] = False
        kwargs["default"] = id_factory(prefix)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["prefix"] = self.prefix
        kwargs.pop("default", None)
        kwargs.pop("editable", None)
        return name, path, args, kwargs
