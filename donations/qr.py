"""QR codes drawn on the server as SVG, with no script and no inline style: the CSP allows them
inline in a page, or as a `data:` image where a script places them (the kiosk)."""

import segno

_SVG = {"scale": 6, "dark": "#000", "light": "#fff"}


def _qr(content: str) -> segno.QRCode:
    return segno.make(content, error="m", micro=False)


def qr_svg_inline(content: str) -> str:
    """SVG markup, sized by the page's CSS (class `qr-code`)."""
    return _qr(content).svg_inline(**_SVG, svgclass="qr-code", omitsize=True)


def qr_svg_data_uri(content: str) -> str:
    """An SVG `data:` URI, for an <img>."""
    return _qr(content).svg_data_uri(**_SVG)
