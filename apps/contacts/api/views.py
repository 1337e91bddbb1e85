"""`/v1/contacts`: CRUD, list with search, `POST /v1/contacts/search`, history, trash, merge."""

from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.contacts import selectors, services
from apps.contacts.api.serializers import ContactSearchSerializer, ContactSerializer
from apps.core.api.pagination import page_and_limit, pagination_meta
from apps.core.api.sorting import order_by_for
from apps.core.api.viewsets import CrmViewSet
from apps.core.errors import ValidationFailed
from apps.history.api.mixins import HistoryTrashMixin, MergeMixin, RecordWriteMixin

SORT_FIELDS = {
    "firstName": "first_name",
    "lastName": "last_name",  # then first name: served in index order (contact_live_by_name)
    "email": "email",
    "company": "company",
    "jobTitle": "job_title",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
}


def paginate(queryset, *, page: int, limit: int) -> tuple[list, dict]:
    """A page and its `meta.pagination`; totals past 10,000 are estimates (`totalIsEstimate`)."""
    total, estimated = selectors.counted(queryset)
    rows = list(queryset[(page - 1) * limit : page * limit])
    meta = pagination_meta(page, limit, total)
    if estimated:
        meta["totalIsEstimate"] = True
    return rows, meta


def search_page(queryset, *, query: str, sort: str | None, order: str | None, page: int, limit: int, narrowed: bool):
    """A page of search results (at most MAX_RANKED of them, `totalIsCapped` when there were more)."""
    order_by_for(sort, order, fields=SORT_FIELDS, default="-created_at")  # validates both
    found = selectors.contact_search(
        queryset,
        query,
        page=page,
        limit=limit,
        sort_column=SORT_FIELDS.get(sort or ""),
        descending=(order or "asc").lower() == "desc",
        narrowed=narrowed,
    )
    by_id = {contact.pk: contact for contact in selectors.contact_queryset().filter(pk__in=found.ids)}
    meta = pagination_meta(page, limit, found.total)
    if found.capped:
        meta["totalIsCapped"] = True
    return [by_id[pk] for pk in found.ids if pk in by_id], meta


LIST_FILTERS = ("company", "jobTitle", "accountId", "ownerId", "email")
NAME_TIEBREAK = {"lastName": "first_name", "firstName": "last_name"}


class ContactViewSet(RecordWriteMixin, HistoryTrashMixin, MergeMixin, CrmViewSet):
    queryset = selectors.contact_queryset()
    serializer_class = ContactSerializer
    permission_resource = "contacts"
    required_permissions = {"search": "contacts:read"}
    filter_backends: list = []
    sort_fields = SORT_FIELDS
    default_sort = "-created_at"

    def ordered(self, queryset, *, sort: str | None, order: str | None):
        terms = order_by_for(sort, order, fields=SORT_FIELDS, default="-created_at")
        if not sort:  # newest first, in the order of the contact_live_new index
            return queryset.order_by("-created_at", "-id")
        if sort in NAME_TIEBREAK:  # lastName sorts by last then first name, as its index does
            prefix = "-" if terms[0].startswith("-") else ""
            terms = [terms[0], f"{prefix}{NAME_TIEBREAK[sort]}", terms[1]]
        return queryset.order_by(*terms)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = self.request.query_params
        queryset = selectors.contact_filter(
            queryset,
            company=params.get(LIST_FILTERS[0]),
            job_title=params.get(LIST_FILTERS[1]),
            account_id=params.get(LIST_FILTERS[2]),
            owner_id=params.get(LIST_FILTERS[3]),
            email=params.get(LIST_FILTERS[4]),
        )
        return queryset

    def page_of(self, queryset, *, query: str, sort, order, page: int, limit: int, filtered: bool) -> Response:
        """One page of contacts, searched (ranked unless sorted) when there is a query."""
        if selectors.search_terms(query):
            narrowed = filtered or self.read_scope() != "tenant"
            rows, meta = search_page(
                queryset, query=query, sort=sort, order=order, page=page, limit=limit, narrowed=narrowed
            )
        else:
            rows, meta = paginate(self.ordered(queryset, sort=sort, order=order), page=page, limit=limit)
        response = Response(self.get_serializer(rows, many=True).data)
        response.pagination = meta
        return response

    def list(self, request, *args, **kwargs):
        page, limit = page_and_limit(request)
        params = request.query_params
        return self.page_of(
            self.filter_queryset(self.get_queryset()),
            query=params.get("search", "").strip(),
            sort=params.get("sort"),
            order=params.get("order"),
            page=page,
            limit=limit,
            filtered=any(params.get(name) for name in LIST_FILTERS),
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        upsert = request.query_params.get("upsert")
        if upsert not in (None, "", "email"):
            raise ValidationFailed({"upsert": "upsert may only be 'email'."})
        existing = services.contact_by_email(data.get("email")) if upsert == "email" else None
        if existing is not None:
            existing = self.get_queryset().get(pk=existing.pk)
            self.check_object_permissions(request, existing)
            contact = services.contact_update(
                contact=existing, actor=request.user, data=data, can_reassign=self.can_reassign()
            )
            return Response(self.get_serializer(self.get_queryset().get(pk=contact.pk)).data)
        contact = services.contact_create(actor=request.user, data=data, can_reassign=self.can_reassign())
        return Response(
            self.get_serializer(self.get_queryset().get(pk=contact.pk)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request, *args, **kwargs):
        contact = self.get_object()
        serializer = self.get_serializer(contact, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.contact_update(
            contact=contact, actor=request.user, data=dict(serializer.validated_data), can_reassign=self.can_reassign()
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=contact.pk)).data)

    def perform_destroy(self, instance) -> None:
        services.contact_delete(contact=instance, actor=self.request.user)

    def perform_restore(self, record) -> None:
        services.contact_restore(contact=record, actor=self.request.user)

    def duplicates_of(self, record):
        return selectors.contact_duplicates(record)

    def perform_merge(self, survivor, merged, keep):
        return services.contact_merge(survivor=survivor, merged=merged, keep=keep, actor=self.request.user)

    def perform_unmerge(self, survivor, merge_id):
        return services.contact_unmerge(survivor=survivor, merge_id=merge_id, actor=self.request.user)

    @action(detail=False, methods=["post"])
    def search(self, request):
        body = ContactSearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        query = body.validated_data.get("query", "").strip()
        filters = body.validated_data.get("filters", {})
        sort = body.validated_data.get("sort") or {}
        pagination = body.validated_data.get("pagination") or {}
        queryset = selectors.contact_filter(
            self.get_queryset(),
            company=filters.get("company"),
            job_title=filters.get("jobTitle"),
            created_after=filters.get("createdAfter"),
            created_before=filters.get("createdBefore"),
            account_id=filters.get("accountId"),
            owner_id=filters.get("ownerId"),
            email=filters.get("email"),
        )
        try:
            return self.page_of(
                queryset,
                query=query,
                sort=sort.get("field"),
                order=sort.get("order"),
                page=pagination.get("page", 1),
                limit=pagination.get("limit", 25),
                filtered=any(filters.values()),
            )
        except ValidationFailed as exc:
            fields = {"sort": "sort.field", "order": "sort.order"}
            raise ValidationFailed({fields.get(k, k): v for k, v in exc.field_errors.items()}) from None
