"""Notifier adapters: console (local), SMTP, Azure Communication Services (REST), Amazon SES."""
