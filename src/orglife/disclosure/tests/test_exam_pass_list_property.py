"""Property: whatever the exam's published result list, the pass list holds exactly the names of
those who passed, in order, and never a score or the name of someone who only failed."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orglife.disclosure import registry

from .helpers import published_exam

NAMES = st.text(alphabet="赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨", min_size=2, max_size=3)
RESULT = st.fixed_dictionaries({
    "name": NAMES, "org": st.sampled_from(["第一党支部", "第二党支部"]),
    "score": st.decimals(min_value=0, max_value=100, places=1).map(str), "passed": st.booleans(),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(results=st.lists(RESULT, max_size=30))
def test_pass_list(demo, results):
    exam = published_exam(demo.zb1, results)
    snap = registry.get("exam_results").build(demo.zb1, {"exam": str(exam.pk)}, demo.secretary)
    passed = [r for r in results if r["passed"]]
    assert snap["rows"] == [{"name": r["name"], "org": r["org"]} for r in passed]
    assert (snap["participants"], snap["passed"]) == (len(results), len(passed))
    text = json.dumps(snap["rows"], ensure_ascii=False)
    assert "score" not in text
    failed_only = {r["name"] for r in results if not r["passed"]} - {r["name"] for r in passed}
    assert not any(f'"{name}"' in text for name in failed_only)
    exam.delete()
