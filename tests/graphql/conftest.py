import pytest


@pytest.fixture
def gql(api, admin):
    """Posts a GraphQL operation to /graphql as the tenant admin; answers the decoded body."""
    api.force_authenticate(admin)

    def run(query: str, variables: dict | None = None, *, client=None, status: int | None = None, **extra):
        body = {"query": query, "variables": variables or {}, **extra}
        response = (client or api).post("/graphql", body, format="json")
        if status is not None:
            assert response.status_code == status, response.content
        return response.json()

    return run
