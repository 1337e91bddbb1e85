"""Which events a webhook receives: its `events` list, then its per-event `filters`.

    "filters": {"deal.stage_changed": {"pipeline_ids": ["pipe_123"], "stages": ["closed_won"]}}

A filter names values found in the event's data, at the top or one level down (`data.deal`):
`pipeline_ids` match `pipeline_id`, `stages` match the stage the record is now in (its id, name
or slug, case-insensitive), `owner_ids` match the record's owner.
"""

from typing import Any

FILTER_KEYS = ("pipeline_ids", "stages", "owner_ids")
_PIPELINE_KEYS = ("pipeline_id", "pipelineId", "pipeline")
_STAGE_KEYS = ("current_stage", "currentStage", "new_stage", "newStage", "stage", "stage_id", "stageId", "to_stage")


def _scalars(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(value[key]) for key in ("id", "name", "slug") if value.get(key) not in (None, "")]
    if value in (None, ""):
        return []
    return [str(value)]


def data_values(data: dict, keys: tuple[str, ...]) -> set[str]:
    """The values under `keys` in `data` and in the dicts directly inside it."""
    found: set[str] = set()
    layers = [data, *(value for value in data.values() if isinstance(value, dict))]
    for layer in layers:
        for key in keys:
            if key in layer:
                found.update(_scalars(layer[key]))
    return found


def event_matches(events: list[str], filters: dict, event_type: str, data: dict, owner_id: str) -> bool:
    if "*" not in events and event_type not in events:
        return False
    spec = filters.get(event_type) or {}
    if spec.get("pipeline_ids") and not set(spec["pipeline_ids"]) & data_values(data, _PIPELINE_KEYS):
        return False
    if spec.get("stages"):
        wanted = {stage.lower() for stage in spec["stages"]}
        if not wanted & {value.lower() for value in data_values(data, _STAGE_KEYS)}:
            return False
    return not (spec.get("owner_ids") and owner_id not in spec["owner_ids"])


def pipeline_values(data: dict) -> set[str]:
    return data_values(data, _PIPELINE_KEYS)
