"""The e-mail outbox: queue messages transactionally, deliver them with retries."""
