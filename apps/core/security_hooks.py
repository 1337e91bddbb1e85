"""Where core plumbing reports security-relevant moments. The identity module records them."""

import logging

logger = logging.getLogger("crm.security")


def record_permission_denied(request, required: str) -> None:
    logger.info("permission_denied required=%s path=%s", required, request.path)
