"""What the project counts as Chinese text: one pattern, used by the raw-data checks, the figures and the fonts.

``CJK`` is a Chinese character of any kind a page prints: ideographs (with
extension A and the compatibility block), CJK symbols and punctuation, and
full-width forms.  ``HAN`` is an ideograph only.

>>> has_cjk("SU7 weekly sales"), has_cjk("周销量"), has_cjk("来源:x"), has_cjk("（")
(False, True, True, True)
>>> bool(HAN.search("，")), bool(HAN.search("周"))
(False, True)
"""

from __future__ import annotations

import re

__all__ = ["CJK_RANGES", "CJK", "HAN", "has_cjk"]

#: The code point ranges of :data:`CJK`, for building other patterns (a line breaker's tokens).
CJK_RANGES = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK = re.compile(f"[{CJK_RANGES}]")
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese character (:data:`CJK`)."""
    return bool(CJK.search(text))
