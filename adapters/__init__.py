"""Adapters: translate job sources and chat platforms to and from the core's plain types."""
