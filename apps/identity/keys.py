"""The RSA keys that sign access tokens, and the public set published at `/.well-known/jwks.json`.

The signing key comes from `CRM_JWT_PRIVATE_KEY` (PEM). In development, when it is unset, a key is
generated once and kept at `var/jwt/private.pem`, so every process of one checkout (test workers,
the live server, `make run`) signs with the same key. Key rotation: publish the old public key in
`CRM_JWT_PREVIOUS_PUBLIC_KEYS` (PEM blocks, concatenated) while tokens it signed are still alive.
"""

import base64
import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

_PEM_BLOCK = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)


@dataclass(frozen=True)
class PublicKey:
    kid: str
    key: rsa.RSAPublicKey

    def jwk(self) -> dict:
        numbers = self.key.public_numbers()
        return {
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": _b64_uint(numbers.n),
            "e": _b64_uint(numbers.e),
        }


def _b64_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _thumbprint(key: rsa.RSAPublicKey) -> str:
    """RFC 7638 JWK thumbprint: a stable `kid` derived from the key itself."""
    numbers = key.public_numbers()
    canonical = json.dumps(
        {"e": _b64_uint(numbers.e), "kty": "RSA", "n": _b64_uint(numbers.n)}, separators=(",", ":"), sort_keys=True
    )
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def _development_key_pem() -> bytes:
    path = Path(settings.CRM_JWT_DEV_KEY_PATH)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_bytes(pem)
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)  # atomic: the first process to get here wins, others read its key
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_bytes()


@functools.cache
def signing_key() -> tuple[str, rsa.RSAPrivateKey]:
    """(kid, private key) that signs new tokens."""
    configured = settings.CRM_JWT_PRIVATE_KEY
    pem = configured.encode() if configured else _development_key_pem()
    private_key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ValueError("CRM_JWT_PRIVATE_KEY must be an RSA private key.")
    return _thumbprint(private_key.public_key()), private_key


@functools.cache
def verification_keys() -> dict[str, PublicKey]:
    """Every public key a token may be verified with: the current one, then the previous ones."""
    kid, private_key = signing_key()
    keys = {kid: PublicKey(kid, private_key.public_key())}
    for block in _PEM_BLOCK.findall(getattr(settings, "CRM_JWT_PREVIOUS_PUBLIC_KEYS", "") or ""):
        public_key = serialization.load_pem_public_key(block.encode())
        if isinstance(public_key, rsa.RSAPublicKey):
            keys.setdefault(_thumbprint(public_key), PublicKey(_thumbprint(public_key), public_key))
    return keys


def jwks() -> dict:
    return {"keys": [key.jwk() for key in verification_keys().values()]}


def keys_reload() -> None:
    """Forget the cached keys (after the settings changed, e.g. in a rotation test)."""
    signing_key.cache_clear()
    verification_keys.cache_clear()
