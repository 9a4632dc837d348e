"""The join address as a QR code in text, for the board and ``circle web``'s console.

``qrcode`` comes with the optional ``web`` extra; without it there is no code, only the address.
"""

from __future__ import annotations

import io

__all__ = ["qr_text"]


def qr_text(data: str) -> str | None:
    """``data`` as a QR code of half blocks (two modules a character), dark on light; None
    when the ``qrcode`` package is not installed."""
    try:
        import qrcode  # type: ignore[import-untyped]
        from qrcode.constants import ERROR_CORRECT_L  # type: ignore[import-untyped]
    except ImportError:
        return None
    code = qrcode.QRCode(border=2, error_correction=ERROR_CORRECT_L)
    code.add_data(data)
    code.make(fit=True)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue().rstrip("\n")
