"""The introduction letter (组织关系介绍信) as a PDF: WeasyPrint with Noto CJK fonts, like the
meeting record book. It prints the member's full ID number, so only viewers who may see personal
data get it (the view checks)."""

from __future__ import annotations

from django.template.loader import render_to_string

from .transfer_models import Transfer


def letter_context(transfer: Transfer) -> dict:
    facts = transfer.letter_facts or {}
    member = transfer.member
    return {
        "t": transfer,
        "name": facts.get("name", member.name),
        "gender": facts.get("gender", member.get_gender_display()),
        "age": facts.get("age", member.age(transfer.letter_issued_on)),
        "category": facts.get("category", member.get_category_display()),
        "id_number": member.id_number,
        "from_name": facts.get("from", transfer.from_name),
        "to_name": facts.get("to", transfer.outside_name),
        "issuer": transfer.letter_issuer,
        "valid_until": transfer.letter_valid_until,
    }


def letter_pdf(request, transfer: Transfer) -> bytes:
    from weasyprint import HTML  # imported here: loading pango costs ~0.3 s

    html = render_to_string("orgs/transfer_letter_pdf.html", letter_context(transfer), request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
