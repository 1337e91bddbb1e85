"""The base mutation: one lifecycle for every write, answering a payload instead of throwing.

    class CreateContact(CrmMutation):
        Output = ContactPayload
        class Arguments:
            input = CreateContactInput(required=True)

        @classmethod
        def perform(cls, info, *, input):
            can_write(info, "contacts")                                 # 1. permission
            contact = contact_create(actor=info.context.user, **clean)  # 2. the service
            return ContactPayload(contact=contact)                      # 3. payload

Validation failures, conflicts and unknown ids come back in the payload's `errors`
(`[{field, code, message}]`, the same codes as REST) with the record null, and the transaction
rolls back. Missing authentication or permission is a top-level GraphQL error, as REST answers
401/403 rather than a body.
"""

import graphene
from django.db import transaction

from apps.core.errors import DomainError, Forbidden, ValidationFailed
from apps.core.graphql.errors import graphql_error
from apps.core.graphql.permissions import caller


class MutationError(graphene.ObjectType):
    """Why a mutation did not apply: the input field at fault (camelCase path), a code
    (`VALIDATION_ERROR`, `NOT_FOUND`, `CONFLICT`, ...) and a message for humans."""

    field = graphene.String(description="The input field at fault, if one is.")
    code = graphene.String(required=True, description="VALIDATION_ERROR, NOT_FOUND, CONFLICT, ...")
    message = graphene.String(required=True, description="What went wrong, for humans.")


def payload_errors(error: DomainError) -> list[MutationError]:
    return [
        MutationError(field=item.get("field"), code=item["code"], message=item["message"]) for item in error.as_errors()
    ]


class Payload(graphene.ObjectType):
    """Base of every mutation payload: the record (null on failure) and `errors`."""

    class Meta:
        abstract = True

    errors = graphene.List(
        graphene.NonNull(MutationError), required=True, description="Empty when the mutation applied."
    )

    def resolve_errors(root, info) -> list:
        return root.errors or []


class CrmMutation(graphene.Mutation):
    """Subclasses set `Output` (a payload type with `errors`) and define `perform(info, **arguments)`."""

    required_hooks: tuple[str, ...] = ("perform",)

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options):
        missing = [name for name in cls.required_hooks if not callable(getattr(cls, name, None))]
        if missing:
            raise TypeError(f"{cls.__name__} must define {', '.join(missing)}")
        super().__init_subclass_with_meta__(**options)

    @classmethod
    def mutate(cls, root, info, **arguments):
        caller(info)
        try:
            with transaction.atomic():
                return cls.perform(info, **arguments)
        except Forbidden as denied:
            raise graphql_error("FORBIDDEN", denied.message, **(denied.details or {})) from None
        except ValidationFailed as failure:
            return cls._meta.output(errors=payload_errors(failure))
        except DomainError as failure:
            return cls._meta.output(errors=payload_errors(failure))


def rest_body(value):
    """A GraphQL input as the design's REST body: camelCase keys, enum values, JSON as given."""
    from graphene.types.inputobjecttype import InputObjectTypeContainer
    from graphene.utils.str_converters import to_camel_case

    if isinstance(value, InputObjectTypeContainer):
        return {to_camel_case(key.rstrip("_")): rest_body(item) for key, item in value.items()}
    if isinstance(value, list):
        return [rest_body(item) for item in value]
    return getattr(value, "value", value)


class RestMutation(CrmMutation):
    """A mutation that is a REST action: `rest_request` names it, `payload` reads its answer.

    See `apps.core.graphql.rest_bridge` for why mutations run REST's actions in-process."""

    # `rest_request(**arguments) -> (method, path, body)` and `payload(info, data, **arguments)`.
    required_hooks = ("rest_request", "payload")

    class Meta:
        abstract = True

    @classmethod
    def perform(cls, info, **arguments):
        from apps.core.graphql.rest_bridge import rest_call

        method, path, body = cls.rest_request(**arguments)
        return cls.payload(info, rest_call(info, method, path, body), **arguments)


def record_payload(payload_type, field: str, queryset, data):
    """`payload_type(<field>=record)` for the record REST answered (by its id)."""
    return payload_type(**{field: queryset.get(pk=data["id"])})


class DeletePayload(Payload):
    """What a delete answers: the id and `deleted: true`."""

    id = graphene.ID()
    deleted = graphene.Boolean(required=True)

    def resolve_deleted(root, info) -> bool:
        return bool(root.deleted)
