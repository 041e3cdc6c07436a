"""The privacy gate: every text that leaves a school's hands (to the public schema, a public page or
an anonymous tipster) passes `gate.refuse_identifying` first (DESIGN.md §2)."""
