"""HTTP transports the core's httpx clients can run on."""
