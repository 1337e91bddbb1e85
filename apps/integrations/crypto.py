"""Credentials at rest: Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`.

The keys come from `CRM_INTEGRATIONS_KEY` (comma-separated secrets, any strings; the first
encrypts, every one decrypts, so a key can be rotated by putting the new one first), else from
`SECRET_KEY`. Each secret is stretched into a Fernet key with HKDF-SHA256.
"""

import base64
import functools
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from apps.core.errors import IntegrationError

_INFO = b"crm-integrations-credentials-v1"


def _fernet_key(secret: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
    return base64.urlsafe_b64encode(derived)


@functools.cache
def _cipher(secrets: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(secret)) for secret in secrets])


def cipher() -> MultiFernet:
    secrets = tuple(getattr(settings, "CRM_INTEGRATIONS_KEY", None) or [settings.SECRET_KEY])
    return _cipher(secrets)


def credentials_encrypt(credentials: dict) -> str:
    return cipher().encrypt(json.dumps(credentials, sort_keys=True).encode()).decode()


def credentials_decrypt(token: str) -> dict:
    try:
        return json.loads(cipher().decrypt(token.encode()))
    except InvalidToken:
        raise IntegrationError(
            "The connection's credentials cannot be decrypted with the configured keys "
            "(CRM_INTEGRATIONS_KEY changed?); connect the provider again."
        ) from None
