"""One school's own records. Every table here lives in each school's schema, never in public."""

from schools.models.activities import Activity, ActivityKind
from schools.models.audit import AuditEvent
from schools.models.governance import GovernanceMember, GroupRole
from schools.models.incidents import Incident, IncidentSeverity, IncidentSource, IncidentStage
from schools.models.ledger import Hazard, HazardMethod, HazardPlace, HazardStatus
from schools.models.notices import Notice

__all__ = [
    "Activity",
    "ActivityKind",
    "AuditEvent",
    "GovernanceMember",
    "GroupRole",
    "Hazard",
    "HazardMethod",
    "HazardPlace",
    "HazardStatus",
    "Incident",
    "IncidentSeverity",
    "IncidentSource",
    "IncidentStage",
    "Notice",
]
