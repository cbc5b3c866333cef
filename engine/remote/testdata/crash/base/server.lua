-- crash fixture: the server context loads cleanly.
loaded = "base"
print("base server loaded")
