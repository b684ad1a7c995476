"""Resident identity numbers (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit
sequence (odd = male), 1 check character over ISO 7064 MOD 11-2."""

from __future__ import annotations

import datetime as dt
import re

from orglife.core.text import squeeze

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
CHECK_CHARS = "10X98765432"
SHAPE = re.compile(r"^\d{17}[\dX]$")


class IdNumberError(ValueError):
    pass


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize_id(value) -> str:
    return squeeze(value).upper()


def validate_id(value) -> str:
    """Return the normalised number or raise IdNumberError with a message in Chinese."""
    number = normalize_id(value)
    if not number:
        raise IdNumberError("公民身份号码不能为空")
    if len(number) != 18:
        raise IdNumberError(f"公民身份号码应为18位，实际为{len(number)}位")
    if not SHAPE.match(number):
        raise IdNumberError("公民身份号码前17位应为数字，最后一位为数字或X")
    try:
        birth_date(number)
    except ValueError:
        raise IdNumberError("公民身份号码中的出生日期无效") from None
    if check_char(number[:17]) != number[17]:
        raise IdNumberError("公民身份号码校验位错误，请核对号码")
    return number


def birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender(number: str) -> str:
    return "male" if int(number[16]) % 2 else "female"


def make_id(region: str, born: dt.date, sequence: int) -> str:
    """Build a valid number (demo and scale data)."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
