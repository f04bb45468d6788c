"""Delivering alerts: draining the outbox to the chat senders (`drain`), what a sender reports
back (`outcomes`), and the neutral cards every platform draws (`render`, `render_text`)."""
