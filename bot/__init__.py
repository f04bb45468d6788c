"""Vigia: alerts for AI-trainer jobs, with scam checks."""
