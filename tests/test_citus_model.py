"""The data model stays Citus-compatible (schema-based sharding): checked over every model on any
server, and on the cluster of `make test-citus` against what Citus made of it."""

import os

import pytest
from django.conf import settings
from django.db import connection

from tenants import citus
from tenants.models import School

pytestmark = pytest.mark.django_db
on_citus = pytest.mark.skipif(
    not os.environ.get("CITUS_CLUSTER"), reason="needs the cluster of make test-citus"
)


def test_every_model_keeps_the_rules():
    assert citus.problems() == []


def test_school_tables_carry_no_database_key_into_public_and_point_only_at_reference_tables():
    """A database key from a school table into public would add triggers to the public table for
    every school (see schools/models); the keys the models have point at tables that become
    reference tables on Citus, so joins with them stay on the school's worker."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT s.relname || ' -> ' || t.relname FROM pg_constraint c
              JOIN pg_class s ON s.oid = c.conrelid JOIN pg_namespace sn ON sn.oid = s.relnamespace
              JOIN pg_class t ON t.oid = c.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
             WHERE c.contype = 'f' AND sn.nspname = %s AND tn.nspname <> sn.nspname
            """,
            [settings.TENANT_BASE_SCHEMA],
        )
        assert cursor.fetchall() == []
    reference = {model._meta.db_table for model in citus.reference_models()}
    assert {"tenants_user", "oversight_phase"} <= reference
    # …and a reference table may itself point only at reference tables.
    for model in citus.reference_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is not None:
                assert field.related_model._meta.db_table in reference, (model, field)


@on_citus
def test_on_the_cluster_each_school_is_a_distributed_schema_and_its_targets_reference_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name::text FROM citus_schemas")
        distributed = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT logicalrelid::regclass::text FROM pg_dist_partition WHERE partmethod = 'n' AND repmodel = 't'"
        )
        reference = {row[0].removeprefix("public.") for row in cursor.fetchall()}
    schools = set(School.objects.exclude(schema_name="public").values_list("schema_name", flat=True))
    assert schools and schools | {settings.TENANT_BASE_SCHEMA} <= distributed
    assert {model._meta.db_table for model in citus.reference_models()} <= reference
