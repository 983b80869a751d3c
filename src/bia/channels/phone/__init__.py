"""The phone channel: a SIP user agent (UDP) with G.711 RTP, and the voice dialogue.

It only turns audio into conversation turns and back (DESIGN: "a channel adapter never holds
business logic"): understanding, routing and storage are the assistant's flows.
"""
