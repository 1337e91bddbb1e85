"""Wraps every DRF response in the envelope; errors come from the exception handler as a list."""

from typing import Any

from rest_framework.renderers import JSONRenderer

from apps.core.envelope import envelope


class EnvelopeRenderer(JSONRenderer):
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None):
        renderer_context = renderer_context or {}
        response = renderer_context.get("response")
        request = renderer_context.get("request")
        if response is None or getattr(response, "skip_envelope", False):
            return super().render(data, accepted_media_type, renderer_context)
        if response.status_code >= 400:
            errors = data if isinstance(data, list) else [{"code": "ERROR", "message": str(data)}]
            body = envelope(request, errors=errors)
        else:
            body = envelope(request, data=data, pagination=getattr(response, "pagination", None))
        return super().render(body, accepted_media_type, renderer_context)
