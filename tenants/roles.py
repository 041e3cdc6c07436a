"""Who can be what: the district roles and the school posts, in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DistrictRole(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("教育局管理员")
    BUREAU_STAFF = "bureau_staff", _("教育局工作人员")
    INSPECTOR = "inspector", _("责任督学")


class SchoolRole(models.TextChoices):
    ADMIN = "admin", _("学校管理员")
    STAFF = "staff", _("教职工")


class StaffPost(models.TextChoices):
    PRINCIPAL = "principal", _("校长")
    SAFETY_OFFICE = "safety", _("安全办")
    HEAD_TEACHER = "head_teacher", _("班主任")
    MORAL_EDUCATION = "moral_education", _("政教")
    COUNSELLOR = "counsellor", _("心理老师")
    DORM_SUPERVISOR = "dorm", _("宿管")
    GATE_GUARD = "gate", _("门卫")
    TEACHER = "teacher", _("任课教师")
    OTHER = "other", _("其他")
