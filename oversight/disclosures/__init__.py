"""信息公开: how a closed serious case was handled, published to the public after the privacy gate,
a no-over-detail checklist and two sign-offs by district users other than the drafter."""
