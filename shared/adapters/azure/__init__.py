"""Azure adapters: Service Bus queue, Blob Storage, Key Vault (SDK clients injected)."""
