"""Idempotency keys for the creates a phone queues offline (issue 16): `from idempotency.keys import idempotent`."""
