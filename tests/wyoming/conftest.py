from tests.speech.conftest import joe, stt, tts  # noqa: F401 - the real engines, loaded once per session
