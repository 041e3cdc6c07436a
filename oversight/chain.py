"""The tamper-evident chain of phase-report submissions.

Each submitted report version is hashed over its canonical content (sorted-key JSON, UTF-8)
together with the hash of the same school's previous submission, so changing any submitted
report — or the order of the chain — changes every hash after it."""

import datetime as dt
import hashlib
import json

from oversight.models import GENESIS_HASH


def canonical_content(*, school_code: str, report) -> dict:
    """Everything a submitted report says, in plain JSON values (attachments by their SHA-256)."""
    return {
        "school": school_code,
        "phase": report.phase_id,
        "version": report.number,
        "previous": report.previous.content_hash if report.previous_id else "",
        "submitted_at": report.submitted_at.astimezone(dt.UTC).isoformat(),
        "prefilled": report.prefilled,
        "figures": report.figures,
        "overrides": report.overrides,
        "sections": report.sections,
        "attachments": [a.sha256 for a in report.attachments.order_by("id")],
    }


def canonical_json(content: dict) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chained_hash(prev_hash: str, content: dict) -> str:
    data = (prev_hash or GENESIS_HASH) + "\n" + canonical_json(content)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
