"""Polling job sources: the port adapters implement (`source`), one poll of one source
through to the outbox (`poller`), and the schedule that runs them (`scheduler`)."""
