from django.core.exceptions import ValidationError


def is_valid_bsn(value: str) -> bool:
    """The elfproef for a BSN: 9 digits, weights 9..2 and -1, sum divisible by 11."""
    if not value.isdigit() or len(value) not in (8, 9):
        return False
    digits = value.zfill(9)
    if digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0


def validate_bsn(value: str) -> None:
    if value and not is_valid_bsn(value):
        raise ValidationError(
            "Dit is geen geldig BSN: het moet uit 9 cijfers bestaan en de elfproef doorstaan.",
            code="invalid_bsn",
        )


def validate_postcode(value: str) -> None:
    import re

    if value and not re.fullmatch(r"[1-9][0-9]{3} ?[A-Z]{2}", value.upper()):
        raise ValidationError("Vul een geldige postcode in, bijvoorbeeld 5038 AB.", code="postcode")
