"""Text -> Home Assistant intents: a small fine-tuned MiniLM tagger plus entity resolution."""
