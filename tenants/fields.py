"""Free text with a size limit that every door shares.

A LimitedTextField is a TextField with a maximum length (5,000 characters unless the model says
otherwise). The limit is checked by full_clean (a validator) and again on every save (pre_save),
so an action that saves without full_clean, and any door that reaches it — page, API, admin,
command, task — refuses an over-long text with the same translated message. Forms built from the
model get the length as their max_length."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

TEXT_LIMIT = 5000

MESSAGE = _("最多 %(limit_value)d 个字（现为 %(show_value)d 个字），请精简后再保存。")


class LimitedTextField(models.TextField):
    def __init__(self, *args, max_length=TEXT_LIMIT, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    @property
    def validators(self):
        return [*super().validators, MaxLengthValidator(self.max_length, message=MESSAGE)]

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value is not None and len(value) > self.max_length:
            raise ValidationError(
                {self.name: [MESSAGE % {"limit_value": self.max_length, "show_value": len(value)}]},
                code="max_length",
            )
        return value


def text_limit(model, field: str) -> int:
    """The limit of a model's text field, for a form or serializer field that takes it."""
    return model._meta.get_field(field).max_length
