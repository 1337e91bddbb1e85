"""What an operation would cost, measured before it runs: its depth and its cost.

- Depth: the longest chain of nested fields, leaves included (`{a {b}}` is 2). Refused above 10.
- Cost: every field returning an object or a list costs 1. A connection (a field answering
  `...Connection`) multiplies what is selected under it by its page size: `first` or `last`
  (from arguments, `pagination` or variables), 25 when neither is given, capped at 200 like the
  pages themselves. Other lists multiply by 10. Refused above the tenant's budget.
Introspection fields (`__schema`, `__type`) are free and do not count towards depth.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    value_from_ast_untyped,
)

from apps.core.graphql.connections import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

LIST_FACTOR = 10


def max_depth() -> int:
    return getattr(settings, "CRM_GRAPHQL_MAX_DEPTH", 10)


def max_query_bytes() -> int:
    return getattr(settings, "CRM_GRAPHQL_MAX_QUERY_BYTES", 20_000)


def cost_budget(schema_name: str | None = None) -> int:
    """The tenant's budget: `CRM_GRAPHQL_TENANT_COST_BUDGETS[<tenant>]`, else
    `CRM_GRAPHQL_MAX_COST` (10,000: a 200-record page with 25 related records each, say)."""
    schema_name = schema_name or connection.schema_name
    budgets = getattr(settings, "CRM_GRAPHQL_TENANT_COST_BUDGETS", {}) or {}
    return budgets.get(schema_name, getattr(settings, "CRM_GRAPHQL_MAX_COST", 10_000))


@dataclass
class Measure:
    depth: int
    cost: int


class _Walker:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: dict):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables or {}

    def argument(self, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                return value_from_ast_untyped(argument.value, self.variables)
        return None

    def page_size(self, node: FieldNode) -> int:
        pagination = self.argument(node, "pagination") or {}
        size = self.argument(node, "first") or self.argument(node, "last")
        if size is None and isinstance(pagination, dict):
            size = pagination.get("first") or pagination.get("last")
        if not isinstance(size, int) or size < 0:
            size = DEFAULT_PAGE_SIZE
        return min(size, MAX_PAGE_SIZE)

    def selections(self, selection_set, parent_type, seen: frozenset) -> tuple[int, int]:
        """(depth, cost) of a selection set under `parent_type`."""
        depth = cost = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                field_depth, field_cost = self.field(selection, parent_type, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                fragment_type = self.schema.get_type(condition.name.value) if condition else parent_type
                field_depth, field_cost = self.selections(selection.selection_set, fragment_type, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                fragment_type = self.schema.get_type(fragment.type_condition.name.value)
                field_depth, field_cost = self.selections(fragment.selection_set, fragment_type, seen | {name})
            else:
                continue
            depth = max(depth, field_depth)
            cost += field_cost
        return depth, cost

    def field(self, node: FieldNode, parent_type, seen: frozenset) -> tuple[int, int]:
        name = node.name.value
        if name.startswith("__"):
            return 0, 0
        field_def = None
        if isinstance(parent_type, GraphQLObjectType) or hasattr(parent_type, "fields"):
            field_def = parent_type.fields.get(name)
        if field_def is None:
            return 1, 0
        return_type = field_def.type
        named = get_named_type(return_type)
        if is_leaf_type(named):
            return 1, 0
        child_parent = named
        if is_abstract_type(named):
            child_parent = None  # inline fragments name the concrete type
        child_depth, child_cost = self.selections(node.selection_set, child_parent, seen)
        if named.name.endswith("Connection"):
            child_cost *= self.page_size(node)
        elif _is_list(return_type) and not named.name.endswith("Edge"):
            child_cost *= LIST_FACTOR
        return 1 + child_depth, 1 + child_cost


def _is_list(graphql_type) -> bool:
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return isinstance(graphql_type, GraphQLList)


def measure(schema: GraphQLSchema, document, operation: OperationDefinitionNode, variables: dict | None) -> Measure:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }[operation.operation.value]
    depth, cost = _Walker(schema, fragments, variables or {}).selections(operation.selection_set, root, frozenset())
    return Measure(depth=depth, cost=cost)


def check(schema: GraphQLSchema, document, operation: OperationDefinitionNode, variables: dict | None):
    """The GraphQL errors refusing the operation (empty when it may run)."""
    from apps.core.graphql.errors import graphql_error

    found = measure(schema, document, operation, variables)
    errors = []
    if found.depth > max_depth():
        errors.append(
            graphql_error(
                "QUERY_TOO_DEEP",
                f"The operation is {found.depth} levels deep; at most {max_depth()} are allowed.",
                depth=found.depth,
                max_depth=max_depth(),
            )
        )
    budget = cost_budget()
    if found.cost > budget:
        errors.append(
            graphql_error(
                "QUERY_TOO_COSTLY",
                f"The operation would cost {found.cost}; this tenant's budget is {budget}. "
                "Ask for smaller pages (first/last) or fewer nested lists.",
                cost=found.cost,
                budget=budget,
            )
        )
    return errors
