"""circlekeeper's wire protocol and pure session logic.

Only the standard library and msgspec may be imported here: the hub, every client, the review
tool and third-party clients all build on this package.
"""
