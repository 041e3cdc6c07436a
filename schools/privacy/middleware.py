"""Carry the writer's confirmation of the gate's unknown-name warnings (the token its error gave)
from the form field or API header into the gate for this request, and the token of a warning the
gate raised back out to the page (which then offers a confirmation box on its forms)."""

from schools.privacy import gate


class GateConfirmationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tokens = set(request.headers.get(gate.CONFIRM_HEADER, "").replace(",", " ").split())
        # Only pages confirm through a form field. The API confirms by header and its parsers alone
        # decide which bodies it takes: reading POST here would consume a multipart body, and DRF
        # would then see an empty form instead of refusing the media type (415).
        if (
            request.method == "POST"
            and not request.path.startswith("/api/")
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            tokens |= {value.strip() for value in request.POST.getlist(gate.CONFIRM_FIELD) if value.strip()}
        confirmed = gate.confirmed_tokens.set(frozenset(tokens))
        pending = gate.pending_token.set("")
        try:
            return self.get_response(request)
        finally:
            gate.confirmed_tokens.reset(confirmed)
            gate.pending_token.reset(pending)
