"""邮件送达 — for school admins: staff who cannot be e-mailed and notices whose e-mail did not arrive."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy

from schools import delivery, permissions
from schools.views.common import requires

admins_only = requires(permissions.is_admin, gettext_lazy("邮件送达情况仅限本校管理员查看。"))


@admins_only
def delivery_status(request):
    return render(request, "schools/delivery.html", {
        "staff": delivery.staff_without_email(request.user, request.school),
        "notices": delivery.undelivered_notices(request.user, request.school),
    })  # fmt: skip
