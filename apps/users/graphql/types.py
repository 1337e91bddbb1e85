"""`User`: the people records are owned by, assigned to or changed by."""

import graphene

from apps.core.graphql.dataloaders import DataLoader


class UserType(graphene.ObjectType):
    """A person of the tenant (owner of records, assignee of tasks, author of changes)."""

    class Meta:
        name = "User"

    id = graphene.ID(required=True)
    name = graphene.String(required=True, description="Full name, or the email when no name is set.")
    first_name = graphene.String()
    last_name = graphene.String()
    email = graphene.String(required=True)

    def resolve_name(user, info) -> str:
        return user.full_name


class UserByIdLoader(DataLoader):
    def batch_load(self, keys: list) -> list:
        from apps.users.models import User

        found = User.objects.in_bulk(set(keys))
        return [found.get(key) for key in keys]


def load_user(info, user_id):
    return UserByIdLoader.for_request(info).load(user_id)
