from django.db import migrations


def forward(apps, schema_editor):
    from inspections.checklist import DEFAULT_ITEMS

    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    if not Template.objects.exists():
        template = Template.objects.create(version=1, note="默认检查表（依据专项行动方案列明的学校职责）")
        for order, (code, text, answer_type, points, expected) in enumerate(DEFAULT_ITEMS, start=1):
            Item.objects.create(template=template, order=order, code=code, text=text, answer_type=str(answer_type),
                                points=points, expected=expected)  # fmt: skip
    # Notices written before items existed become one item each, in the state the notice was in.
    Notice = apps.get_model("inspections", "RectificationNotice")
    NoticeItem = apps.get_model("inspections", "NoticeItem")
    for notice in Notice.objects.filter(notice_items__isnull=True):
        closed = notice.status == "closed"
        NoticeItem.objects.create(
            notice=notice, order=1, text=notice.items, state="closed" if closed else "open",
            recheck_note=notice.close_note if closed else "", rechecked_by_id=notice.closed_by_id if closed else None,
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("inspections", "0004_checklists_plans_notice_items")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
