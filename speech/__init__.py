"""Hearth's ears and voice: wake word, endpointing, speech-to-text, text-to-speech."""
