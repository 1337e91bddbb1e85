"""OpenAPI post-processing: the documented paths are the canonical ones, without trailing slash."""


def strip_trailing_slashes(result: dict, generator, request, public) -> dict:
    result["paths"] = {
        (path.rstrip("/") if path != "/" else path): operations for path, operations in result["paths"].items()
    }
    return result
