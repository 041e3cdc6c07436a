"""New schools are cloned from a template that every migrate keeps current (django-tenants pitfall:
a stale template silently yields schools missing tables, because the clone fakes migrations)."""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tenants.actions.provisioning import SchoolSpec, create_school
from tenants.migration_status import schemas_behind

pytestmark = pytest.mark.django_db


def tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def school_tables() -> set[str]:
    return {model._meta.db_table for model in apps.get_app_config("schools").get_models()}


def test_the_template_has_every_school_table():
    assert school_tables() <= tables_in(settings.TENANT_BASE_SCHEMA)


def test_a_school_created_after_a_new_migration_has_that_migrations_tables():
    template = settings.TENANT_BASE_SCHEMA
    # Make the template stale, as if the schools app had gained migrations since it was built.
    call_command("migrate_schemas", "schools", "zero", schema_name=template, verbosity=0)
    assert not school_tables() & tables_in(template)

    call_command("migrate", verbosity=0)  # an ordinary migrate must bring the template back

    school = create_school(
        acting_user=None,
        spec=SchoolSpec(name="迁移后新校", code="3299200001", slug="after-migrate", kind="primary"),
    )
    assert school_tables() <= tables_in(school.schema_name)


def test_up_to_date_schools_are_not_migrated_again():
    from tenants.models import School

    schemas = list(School.objects.values_list("schema_name", flat=True))
    assert schemas_behind(schemas) == []
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{schemas[0]}".django_migrations WHERE app = %s', ["schools"])
    assert schemas_behind(schemas) == [schemas[0]]


def test_a_district_layer_migration_does_not_make_the_schools_behind():
    from tenants.models import School

    schemas = list(School.objects.values_list("schema_name", flat=True))
    with connection.cursor() as cursor:
        # As after deploying a new migration of the district layer: no school schema records it.
        cursor.execute(f'DELETE FROM "{schemas[0]}".django_migrations WHERE app = %s', ["oversight"])
    assert schemas_behind(schemas) == []
