"""约谈 (summons): the bureau calls a school's leaders in for reasons linked to records, sends the
notice (约谈通知书, DOCX), records the meeting and the school's commitments, and verifies the
school's rectification report. 通报 (circulars) go to every school's site."""
