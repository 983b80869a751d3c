"""Speech for the phone channel: recognition (ASR), synthesis (TTS), French text for the voice.

Both sides are behind a ``Protocol`` and a registry chosen by settings, like the NLU backends.
"""
