"""One school's own records. Every table here lives in each school's schema, never in public.

A key from a school table to a public table (the user who wrote a record, a campaign's phase) is
kept by the application, not by a database foreign key (`db_constraint=False`): a database key adds
two triggers to the public table for every school, so `tenants_user` carried 30 triggers a school
(14,438 at 480 schools, measured), every new key rebuilt that table's catalog entry with all of
them, and creating a school slowed with every school already there. Public rows are never
hard-deleted, so nothing can be left dangling; Django still enforces `on_delete` itself."""

from schools.models.activities import Activity, ActivityEvidence, ActivityKind
from schools.models.audit import AuditEvent
from schools.models.care import CareEntry, CareTalk, WarningSign
from schools.models.governance import (
    DocumentKind,
    GovernanceMember,
    GroupRole,
    ResponsibilityItem,
    SchoolDocument,
)
from schools.models.idempotency import IdempotencyRecord
from schools.models.incidents import (
    SERIOUS_SEVERITIES,
    AppealStatus,
    AppealSubject,
    BullyingKind,
    Determination,
    DeterminationAppeal,
    FollowUp,
    HandlingMeasure,
    Incident,
    IncidentParty,
    IncidentSeverity,
    IncidentSource,
    IncidentStage,
    MeasureKind,
    PartyRole,
    SupportKind,
    SupportSession,
)
from schools.models.ledger import Hazard, HazardMethod, HazardPlace, HazardStatus
from schools.models.notices import Notice, NoticeDelivery
from schools.models.reports import PhaseReport, PhaseReportAttachment
from schools.models.tips import Tip, TipMessage, TipStatus

__all__ = [
    "IdempotencyRecord",
    "SERIOUS_SEVERITIES", "Activity", "ActivityEvidence", "ActivityKind", "AppealStatus", "AppealSubject", "AuditEvent",
    "BullyingKind", "CareEntry", "CareTalk", "Determination", "DeterminationAppeal", "DocumentKind",
    "FollowUp", "GovernanceMember", "GroupRole", "HandlingMeasure", "Hazard", "HazardMethod", "HazardPlace",
    "HazardStatus", "Incident", "IncidentParty", "IncidentSeverity", "IncidentSource", "IncidentStage",
    "MeasureKind", "Notice", "NoticeDelivery", "PartyRole", "PhaseReport", "PhaseReportAttachment", "ResponsibilityItem", "SchoolDocument", "SupportKind",
    "SupportSession", "Tip", "TipMessage", "TipStatus", "WarningSign",
]  # fmt: skip
