"""Creating a school: the registry row, its schema (cloned from the template) and its host name."""

from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
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


@transaction.atomic(durable=True)
def create_school(*, acting_user, spec: SchoolSpec) -> School:
    problems = check_spec(spec)
    if problems:
        raise ValidationError(problems)
    school = School(schema_name=School.schema_name_for(spec.slug), **spec.model_fields())
    school.save(verbosity=0)  # creates the schema by cloning the template
    Domain.objects.create(domain=f"{spec.slug}.{settings.DISTRICT_HOST}", tenant=school, is_primary=True)
    audit.record(
        actor=acting_user, action="school.created", obj=school, school=school, changes=spec.model_fields()
    )
    return school
