"""Messaging operations over the Queue port: reading, replaying and purging dead letters."""
