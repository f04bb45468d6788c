"""Chat adapters: draw the core's neutral cards on a platform; turn its errors into outcomes."""
