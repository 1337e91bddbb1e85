"""Where core plumbing reports security-relevant moments; the security module records them."""


def record_permission_denied(request, required: str) -> None:
    from apps.security.choices import SecurityEventType
    from apps.security.services import security_event_record

    security_event_record(
        event_type=SecurityEventType.PERMISSION_DENIED,
        request=request,
        details={"required_permission": required, "path": request.path, "method": request.method},
    )


def record_resource_access_denied(request, record) -> None:
    from apps.security.choices import SecurityEventType
    from apps.security.services import security_event_record

    security_event_record(
        event_type=SecurityEventType.RESOURCE_ACCESS_DENIED,
        request=request,
        details={
            "record_id": str(getattr(record, "pk", "")),
            "required_permission": getattr(request, "required_permission", ""),
            "path": request.path,
            "method": request.method,
        },
    )
