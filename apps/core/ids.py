"""Opaque, prefixed, time-ordered ids (`contact_01JH...`), the same in REST, GraphQL and events.

A lookup with an id of the wrong type simply matches nothing, so it answers 404, never 500.
"""

import functools
import os
import time

from django.db import models

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def _base32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, index = divmod(value, 32)
        chars.append(_ALPHABET[index])
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    """`<prefix>_` + a ULID: 48 bits of milliseconds, then 80 random bits, so ids sort by creation."""
    millis = int(time.time() * 1000)
    randomness = int.from_bytes(os.urandom(10), "big")
    return f"{prefix}_{_base32(millis, 10)}{_base32(randomness, 16)}"


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
