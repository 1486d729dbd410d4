"""OPC-UA acquisition (asyncua, one pinned version): sessions, subscriptions, polling."""
