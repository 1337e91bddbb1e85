"""`sort: {field: VALUE, direction: DESC}`: each entity names its sortable fields in an enum, as
the design's example queries write them."""

import graphene


class SortDirection(graphene.Enum):
    """Ascending or descending."""

    ASC = "asc"
    DESC = "desc"


def sort_input(entity: str, fields: dict[str, str]) -> tuple[type[graphene.InputObjectType], dict[str, str]]:
    """A `<Entity>SortInput` whose `field` is an enum of `fields` (enum name -> model column).

    Returns the input type and the mapping used by `order_by_for_sort`.
    """
    enum = graphene.Enum(
        f"{entity}SortField", [(name, name) for name in fields], description=f"Fields {entity} lists sort by."
    )
    sort_cls = type(
        f"{entity}SortInput",
        (graphene.InputObjectType,),
        {
            "Meta": type("Meta", (), {"description": f"How to order {entity} records."}),
            "field": graphene.Field(enum, required=True, description="The field to sort by."),
            "direction": graphene.Field(SortDirection, required=True, description="ASC or DESC."),
        },
    )
    return sort_cls, fields


def order_by_for_sort(sort, fields: dict[str, str], default: list[str]) -> list[str]:
    """ORDER BY terms for a sort input (ties broken by id, so pages never overlap)."""
    if not sort:
        return [*default, "pk"] if "pk" not in default else default
    column = fields[_enum_value(sort.get("field"))]
    direction = _enum_value(sort.get("direction")) or "asc"
    prefix = "-" if direction == "desc" else ""
    return [f"{prefix}{column}", f"{prefix}pk"]


def _enum_value(value):
    return getattr(value, "value", value)
