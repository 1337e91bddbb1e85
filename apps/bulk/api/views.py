"""`/v1/bulk/<resource>/import`, `/v1/bulk/<resource>/export` and `/v1/bulk/jobs`."""

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.bulk import services
from apps.bulk.api.parsers import FastJSONParser
from apps.bulk.api.serializers import ExportRequestSerializer, ImportOptionsSerializer, UploadOptionsSerializer
from apps.bulk.choices import BulkResource, DeliveryMethod
from apps.bulk.delivery import TargetRefused, url_check_at_registration
from apps.bulk.models import BulkJob
from apps.bulk.payloads import job_data
from apps.bulk.sources import csv_rows, json_rows, xlsx_rows
from apps.core.errors import DomainError, NotFound, ValidationFailed
from apps.core.permissions import AUTHENTICATED, caller_grants, grant_scope, has_permission
from apps.history.api.mixins import REASSIGN_PERMISSION
from apps.security.choices import SecurityEventType
from apps.security.services import security_event_record

MAX_UPLOAD_BYTES = int(getattr(settings, "CRM_BULK_MAX_UPLOAD_BYTES", 100 * 1024 * 1024))
XLSX_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)


class PayloadTooLarge(DomainError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The upload is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; split it into several imports.",
        details={"max_bytes": MAX_UPLOAD_BYTES},
    )


class BulkResourceView(APIView):
    """Resolves `<resource>` and declares the permission the action needs on it."""

    verb = ""

    @property
    def required_permissions(self) -> dict[str, str]:
        resource = getattr(self, "kwargs", {}).get("resource", "<resource>")
        return {"post": f"{resource}:{self.verb}"}

    def initial(self, request, *args, **kwargs):
        resource = kwargs.get("resource")
        if resource not in BulkResource.values:
            raise NotFound(f"No bulk operations on '{resource}'; use one of: {', '.join(BulkResource.values)}.")
        if self.verb == "write":
            length = request.META.get("CONTENT_LENGTH") or "0"
            if length.isdigit() and int(length) > MAX_UPLOAD_BYTES:
                raise _too_large()
        super().initial(request, *args, **kwargs)


JOB_DOC = {202: OpenApiTypes.OBJECT}


class BulkImportView(BulkResourceView):
    verb = "write"
    parser_classes = [FastJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="Import records in bulk (JSON rows, or a CSV/XLSX upload as `file`); answers the queued job",
        request={"application/json": OpenApiTypes.OBJECT, "multipart/form-data": OpenApiTypes.OBJECT},
        responses=JOB_DOC,
    )
    def post(self, request, resource: str):
        upload = request.FILES.get("file") if request.content_type.startswith("multipart/") else None
        if upload is not None:
            rows, options, mapping = self._upload(request, upload)
        else:
            rows, options, mapping = self._json(request, resource)
        grants = caller_grants(request)
        job = services.bulk_import_start(
            actor=request.user,
            resource=resource,
            rows=rows,
            options=options,
            field_mapping=mapping,
            scope=request.permission_scope,
            can_reassign=grant_scope(grants, f"{resource}:write") == "tenant"
            or has_permission(grants, REASSIGN_PERMISSION),
        )
        return Response(job_data(job), status=status.HTTP_202_ACCEPTED)

    def _json(self, request, resource: str):
        body = request.data
        if not isinstance(body, dict):
            raise ValidationFailed({"": "The body must be a JSON object (or a multipart upload with 'file')."})
        unknown = sorted(set(body) - {"import_options", "field_mapping", resource})
        if unknown:
            raise ValidationFailed({name: "Unknown field." for name in unknown})
        if resource not in body:
            raise ValidationFailed({resource: f"The rows go under '{resource}' (or upload a CSV/XLSX as 'file')."})
        options = ImportOptionsSerializer(data=body.get("import_options") or {})
        options.is_valid(raise_exception=True)
        rows = json_rows(body[resource], key=resource)
        return rows, dict(options.validated_data), body.get("field_mapping")

    def _upload(self, request, upload):
        if upload.size > MAX_UPLOAD_BYTES:
            raise _too_large()
        raw = {key: request.data.get(key) for key in request.data if key != "file"}
        if "options" in raw:  # one JSON field: {"import_options": {...}, "field_mapping": {...}, ...}
            import orjson

            try:
                given = orjson.loads(raw.pop("options") or "{}")
            except orjson.JSONDecodeError:
                raise ValidationFailed({"options": "'options' must be a JSON object."}) from None
            if not isinstance(given, dict):
                raise ValidationFailed({"options": "'options' must be a JSON object."})
            raw.update({**given.pop("import_options", {}), **given})
        if isinstance(raw.get("field_mapping"), str):
            import orjson

            try:
                raw["field_mapping"] = orjson.loads(raw["field_mapping"])
            except orjson.JSONDecodeError:
                raise ValidationFailed({"field_mapping": "'field_mapping' must be a JSON object."}) from None
        options = UploadOptionsSerializer(data=raw)
        options.is_valid(raise_exception=True)
        data = dict(options.validated_data)
        content = upload.read()
        name = (upload.name or "").lower()
        if name.endswith(".xlsx") or upload.content_type in XLSX_TYPES:
            rows = xlsx_rows(content)
        else:
            rows = csv_rows(content, encoding=data.pop("encoding"), delimiter=data.pop("delimiter", None))
        data.pop("encoding", None)
        data.pop("delimiter", None)
        mapping = data.pop("field_mapping", None)
        return rows, data, mapping


class BulkExportView(BulkResourceView):
    verb = "export"

    @extend_schema(
        summary="Export records (csv, json, xlsx) by download or webhook; answers the queued job",
        request=ExportRequestSerializer,
        responses=JOB_DOC,
    )
    def post(self, request, resource: str):
        serializer = ExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        delivery = dict(data.get("delivery") or {"method": DeliveryMethod.DOWNLOAD})
        if delivery.get("method") == DeliveryMethod.WEBHOOK:
            _webhook_check(delivery["webhook_url"])
        job = services.bulk_export_start(
            actor=request.user,
            resource=resource,
            export_format=data["export_format"],
            filters=data.get("filters"),
            fields=data.get("fields"),
            delivery=delivery,
            scope=request.permission_scope,
        )
        security_event_record(
            event_type=SecurityEventType.DATA_EXPORT_REQUEST,
            request=request,
            details={
                "job_id": job.id,
                "resource": resource,
                "export_format": data["export_format"],
                "filters": data.get("filters") or {},
                "fields": data.get("fields") or [],
                "delivery": delivery.get("method"),
            },
        )
        return Response(job_data(job), status=status.HTTP_202_ACCEPTED)


def _webhook_check(url: str) -> None:
    """A URL naming or resolving to a private address is refused now; one that does not resolve
    yet is accepted and checked again when the export is delivered."""
    try:
        url_check_at_registration(url)
    except TargetRefused as exc:
        raise ValidationFailed({"delivery.webhook_url": str(exc)}) from None


class BulkJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own jobs: anyone else's answer 404."""

    required_permissions = {"*": AUTHENTICATED}
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return BulkJob.objects.filter(owner_id=self.request.user.pk).order_by("-created_at", "-id")

    @extend_schema(summary="The caller's bulk jobs, newest first", responses={200: OpenApiTypes.OBJECT})
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([job_data(job) for job in page])

    @extend_schema(summary="A bulk job and its progress", responses={200: OpenApiTypes.OBJECT})
    def retrieve(self, request, *args, **kwargs):
        return Response(job_data(self.get_object()))

    @extend_schema(summary="Cancel a queued or running job", responses={200: OpenApiTypes.OBJECT})
    def destroy(self, request, *args, **kwargs):
        job = services.bulk_job_cancel(job=self.get_object())
        return Response(job_data(job))

    @extend_schema(summary="The export's file (owner only, 7 days)", responses={(200, "*/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        path, content_type, filename = services.export_file(job=self.get_object())
        return FileResponse(open(path, "rb"), content_type=content_type, as_attachment=True, filename=filename)  # noqa: SIM115
