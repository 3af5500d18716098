"""The household's own things: timers and alarms, shopping and to-do lists, and their intents."""
