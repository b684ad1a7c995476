"""Shared API schemas and error bodies.

Every refused request answers in one of two shapes:
- 400: ``{"errors": [{"field": "id_number", "message": "公民身份号码校验位错误，请核对号码"}]}``
  (a service refused the write, or the request itself is malformed);
- 401/403/404: ``{"detail": "..."}``.
Messages are in Chinese, the same as the web UI's.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

# Chinese labels for request fields, used in validation messages. Routers add their own.
FIELD_LABELS: dict[str, str] = {
    "limit": "每页条数",
    "offset": "起始位置",
}
BODY = "__body__"  # the field name for errors about the request body as a whole


class ErrorItem(Schema):
    field: str = Field(..., description="出错的字段名；请求体整体出错时为 __body__", examples=["id_number"])
    message: str = Field(..., description="中文错误信息", examples=["公民身份号码校验位错误，请核对号码"])


class ErrorsOut(Schema):
    errors: list[ErrorItem] = Field(..., description="错误列表（每个字段一条）")


class DetailOut(Schema):
    detail: str = Field(..., description="中文说明", examples=["您没有该组织的相应权限"])


def errors_body(errors: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """{field: message} (as services.ServiceError.errors) → the 400 body."""
    return {"errors": [{"field": f, "message": m} for f, m in errors.items()]}


def _label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def translate(error: dict[str, Any]) -> dict[str, str]:
    """One pydantic error (as ninja reports it, loc = (source, [param,] field...)) → field + Chinese."""
    loc = [str(p) for p in error.get("loc", ())]
    source, rest = (loc[0], loc[1:]) if loc else ("", [])
    if source == "body" and rest:
        rest = rest[1:]  # drop the body parameter's own name
    field = ".".join(rest) if rest else BODY
    label = _label(rest[-1]) if rest else "请求体"
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if field == BODY and kind in ("model_type", "dict_type", "model_attributes_type", "missing"):
        message = "请求体应为JSON对象"
    elif kind == "missing":
        message = f"{label}不能为空"
    elif kind == "extra_forbidden":
        message = f"不支持的字段“{rest[-1] if rest else ''}”"
    elif kind.startswith("date") or kind.startswith("datetime"):
        message = f"{label}格式不正确，应为YYYY-MM-DD"
    elif kind.startswith("int") or kind == "float_parsing":
        message = f"{label}应为整数"
    elif kind.startswith("bool"):
        message = f"{label}应为true或false"
    elif kind == "string_type":
        message = f"{label}应为文本"
    elif kind == "string_too_long":
        message = f"{label}过长（不超过{ctx.get('max_length')}个字符）"
    elif kind == "greater_than_equal":
        message = f"{label}不能小于{ctx.get('ge')}"
    elif kind == "less_than_equal":
        message = f"{label}不能大于{ctx.get('le')}"
    elif kind in ("enum", "literal_error"):
        message = f"{label}的取值无效，应为：{ctx.get('expected', '')}"
    elif kind == "json_invalid":
        message = "请求体不是有效的JSON"
    else:
        message = f"{label}的值无效"
    return {"field": field, "message": message}
