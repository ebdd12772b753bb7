"""Related approaches the book checks against the landscape view: ANASOD and PVLL-NAS."""
