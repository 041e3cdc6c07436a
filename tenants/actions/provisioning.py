"""Creating a school: the registry row, its schema (cloned from the template) and its host name."""

from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tenants import audit
from tenants.models import Domain, School, SchoolKind


@dataclass
class SchoolSpec:
    name: str
    code: str
    slug: str
    kind: str
    boarding: bool = False
    student_count: int = 0
    area: str = ""
    address: str = ""
    principal: str = ""
    legal_vice_principal: str = ""
    hotline: str = ""
    mailbox: str = ""
    extra: dict = field(default_factory=dict)

    def model_fields(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        return data


def check_spec(spec: SchoolSpec) -> list[str]:
    """Every problem with a school before anything is created, as translated sentences."""
    problems = []
    if spec.kind not in SchoolKind.values:
        labels = "、".join(str(label) for label in SchoolKind.labels)
        problems.append(
            _("学段类型“%(kind)s”无法识别，应为：%(labels)s") % {"kind": spec.kind, "labels": labels}
        )
    candidate = School(schema_name=School.schema_name_for(spec.slug or "x"), **spec.model_fields())
    try:
        candidate.full_clean(exclude=["kind"] if spec.kind not in SchoolKind.values else None)
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            label = School._meta.get_field(field_name).verbose_name if field_name != "__all__" else ""
            for message in messages:
                problems.append(f"{label}：{message}" if label else message)
    return problems


def _create(*, acting_user, spec: SchoolSpec) -> School:
    if acting_user is not None and not acting_user.is_bureau_admin:
        raise PermissionDenied(_("只有教育局管理员可以开通学校。"))
    problems = check_spec(spec)
    if problems:
        raise ValidationError(problems)
    school = School(schema_name=School.schema_name_for(spec.slug), **spec.model_fields())
    # Creates the schema by replaying the template's DDL (tenants.ddl_replay), and its roll-up
    # rows (oversight.signals), in this transaction.
    school.save(verbosity=0)
    Domain.objects.create(domain=f"{spec.slug}.{settings.DISTRICT_HOST}", tenant=school, is_primary=True)
    audit.record(
        actor=acting_user, action="school.created", obj=school, school=school, changes=spec.model_fields()
    )
    return school


@transaction.atomic(durable=True)
def create_school(*, acting_user, spec: SchoolSpec) -> School:
    """One school: registry row, schema, host name, roll-up rows and audit row, or nothing.
    `acting_user` None is the system (the command line); a person must be a bureau admin."""
    return _create(acting_user=acting_user, spec=spec)


@transaction.atomic(durable=True)
def create_schools(*, acting_user, specs: list[SchoolSpec]) -> list[School]:
    """A batch of schools in one transaction: all of them, or none (a resumed onboarding then
    starts again at this batch). Each schema holds a lock per table until the commit, so batches
    stay small (max_locks_per_transaction; see docs/scaling.md)."""
    return [_create(acting_user=acting_user, spec=spec) for spec in specs]


def onboarded(specs: list[SchoolSpec]) -> set[tuple[str, str]]:
    """(code, slug) of the specs whose school already exists with that code and site name: rows a
    resumed onboarding skips instead of reporting them as taken."""
    codes = [spec.code for spec in specs]
    return set(School.objects.filter(code__in=codes).values_list("code", "slug"))
