"""Delivery: e-mail to leaders, PDF previews, dated names in outbox/."""
