from tenants.models import IdempotencyRecordBase


class IdempotencyRecord(IdempotencyRecordBase):
    """A school's idempotency records, kept in the school's own schema: the replayed answers hold
    pupils' names, care entries and report sections, which never go into the public schema."""

    class Meta(IdempotencyRecordBase.Meta):
        pass
