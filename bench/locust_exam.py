"""Load test: many members take the same exam (issue #5 benchmark).

Each simulated user takes the exam as one member after another (sessions from
`manage.py exam_bench setup`): opens the cover page, starts (POST, redirect to the paper), saves
every answer one by one as the paper page does with htmx (think time between answers), then
submits. Every answer is derived from member and question id, so `manage.py exam_bench verify`
can check afterwards that nothing was lost. See bench/README.md for the full run.

  EXAM_BENCH=var/exam_bench.json locust -f bench/locust_exam.py --headless -u 100 -r 10 \
      --run-time 10m -H http://127.0.0.1:8765 --csv var/locust_exam
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, events, task
from locust.exception import StopUser

DATA = json.loads(open(os.environ.get("EXAM_BENCH", "var/exam_bench.json"), encoding="utf-8").read())
EXAM = DATA["exam"]
QUEUE = list(DATA["members"])
THINK = (float(os.environ.get("THINK_MIN", "1.0")), float(os.environ.get("THINK_MAX", "3.0")))
FIELDSET = re.compile(r'<fieldset id="question-(\d+)"(.*?)</fieldset>', re.S)
INPUT = re.compile(r'<input type="(radio|checkbox|text)" name="q\d+"(?: value="([^"]*)")?')
DONE = {"members": 0}


def answers_for(member_id: int, page: str) -> list[tuple[int, list[tuple[str, str]]]]:
    """(question id, form fields) per question, mirroring exam_bench.expected_response."""
    out = []
    for qid_text, body in FIELDSET.findall(page):
        qid = int(qid_text)
        inputs = INPUT.findall(body)
        kind = inputs[0][0]
        values = [v for _, v in inputs]
        name = f"q{qid}"
        k = member_id + qid
        if kind == "text":
            fields = [(name, f"答{member_id}-{qid}-{i}") for i in range(len(inputs))]
        elif kind == "checkbox":
            n = len(values)
            fields = [(name, str(i)) for i in sorted({k % n, (k + 1) % n})]
        elif values == ["1", "0"]:  # true/false
            fields = [(name, "1" if k % 2 == 0 else "0")]
        else:
            fields = [(name, str(k % len(values)))]
        out.append((qid, fields))
    return out


class Member(HttpUser):
    wait_time = between(*THINK)

    def on_start(self):
        self.next_member()

    def next_member(self):
        if not QUEUE:
            raise StopUser()
        self.me = QUEUE.pop(0)
        self.client.cookies.clear()
        self.client.cookies.set("sessionid", self.me["session"])

    @task
    def take_exam(self):
        cover = self.client.get(f"/study/exams/{EXAM}/take/", name="cover")
        token = self.client.cookies.get("csrftoken")
        with self.client.post(f"/study/exams/{EXAM}/take/", data={"csrfmiddlewaretoken": token}, name="start",
                              catch_response=True) as paper:
            if "/study/attempts/" not in paper.url or "剩余时间" not in paper.text:
                paper.failure(f"no paper: {paper.url} {cover.status_code}")
                return self.next_member()
        attempt_url = paper.url
        headers = {"X-CSRFToken": token, "HX-Request": "true", "Referer": attempt_url}
        for qid, fields in answers_for(self.me["member"], paper.text):
            self.wait_sleep = random.uniform(*THINK)
            self._sleep(self.wait_sleep)
            with self.client.post(attempt_url + "save/", data=[("question", str(qid)), *fields], headers=headers,
                                  name="save", catch_response=True) as r:
                if r.status_code != 200 or "已保存" not in r.text:
                    r.failure(f"save {r.status_code}: {r.text[:80]}")
        with self.client.post(attempt_url + "submit/", data={"csrfmiddlewaretoken": token}, name="submit",
                              allow_redirects=False, catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"submit {r.status_code}")
        DONE["members"] += 1
        self.next_member()

    def _sleep(self, seconds: float) -> None:
        import gevent

        gevent.sleep(seconds)


@events.quitting.add_listener
def _report(environment, **_kwargs):
    print(f"members finished: {DONE['members']}, left in queue: {len(QUEUE)}")
