"""JSON bodies, with `If-Match` as another way to send an edit's version: `If-Match: "3"` (or 3,
or W/"3") fills in `version` when the body does not carry one."""

from rest_framework.parsers import JSONParser


def if_match_version(request) -> int | None:
    header = request.META.get("HTTP_IF_MATCH", "").strip()
    if header.startswith("W/"):
        header = header[2:]
    header = header.strip('"')
    return int(header) if header.isdigit() else None


class IfMatchJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        request = (parser_context or {}).get("request")
        if isinstance(data, dict) and data.get("version") is None and request is not None:
            version = if_match_version(request)
            if version is not None:
                data = {**data, "version": version}
        return data
