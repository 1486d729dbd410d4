"""Field events, their plausibility limits and the conflict rules of sync (pure)."""
