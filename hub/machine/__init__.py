"""The local machine under guard: files inside configured roots, allow-listed processes, and their intents."""
