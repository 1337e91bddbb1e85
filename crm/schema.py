"""The root GraphQL schema: each module's queries, mutations and subscriptions merged here."""

import graphene


class Query(graphene.ObjectType):
    api_version = graphene.String(description="The API version this server speaks.")

    def resolve_api_version(root, info) -> str:
        from django.conf import settings

        return settings.API_VERSION


schema = graphene.Schema(query=Query)
