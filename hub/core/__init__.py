"""The ground floor: the vocabulary every package shares, importing nothing above it.

`errors` (the one error base), `events` (ToolCall, Outcome, Trace), `home` (the home model),
`targets` (target queries), `intents` (IntentSpec: one intent's declaration), `intent_domains` (the
domains derived from the declarations), `responses` (reply phrasing), `yamlfile` and `config` (loading
and config types), `logs`, and `seams` (the Protocols the packages meet at). `devices`, `scenes`,
`speech` and `llm` may import it; it imports none of them (`tests/test_layers.py` holds this).
"""
