"""E-mails carrying a one-time link to set a password: invitations and password resets.

The link holds Django's `default_token_generator` token, which expires after
PASSWORD_RESET_TIMEOUT and is derived from the user's password hash: once the password is set,
the link stops working. It is only valid on the tenant that issued it (the user exists nowhere
else). Mail leaves after the transaction commits, so a mail server failure never undoes the
change that asked for it; the failure is reported on the returned `PasswordLinkDelivery`.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

logger = logging.getLogger("crm.users")

KINDS = ("invitation", "password_reset")


@dataclass
class PasswordLinkDelivery:
    user: object
    kind: str
    sent: bool | None = None  # None until the transaction commits
    error: str = ""


def password_link(*, user, site_url: str) -> str:
    """The absolute one-time link (on `site_url`, e.g. `https://acme.crm.example`) for `user`."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_set", kwargs={"uidb64": uidb64, "token": token}, urlconf=settings.ROOT_URLCONF)
    return site_url.rstrip("/") + path


def link_lifetime() -> str:
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds % 86400 == 0:
        days = seconds // 86400
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour{'s' if hours != 1 else ''}"


def password_link_send_on_commit(*, user, site_url: str, kind: str, sender=None) -> PasswordLinkDelivery:
    """Prepares the e-mail now and sends it once the surrounding transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown password link kind {kind!r}")
    tenant = getattr(connection, "tenant", None)
    context = {
        "user": user,
        "sender": sender,
        "organisation": getattr(tenant, "name", "") or "CRM",
        "link": password_link(user=user, site_url=site_url),
        "lifetime": link_lifetime(),
    }
    subject = " ".join(render_to_string(f"users/email/{kind}_subject.txt", context).split())
    body = render_to_string(f"users/email/{kind}.txt", context)
    delivery = PasswordLinkDelivery(user=user, kind=kind)

    def send() -> None:
        try:
            send_mail(subject, body, None, [user.email])
        except Exception as exc:  # SMTP refusals, DNS, timeouts...: reported, never raised
            logger.warning("could not send the %s e-mail to user %s: %s", kind, user.pk, exc, exc_info=True)
            delivery.sent, delivery.error = False, f"{type(exc).__name__}: {exc}"
        else:
            delivery.sent = True

    transaction.on_commit(send)
    return delivery
