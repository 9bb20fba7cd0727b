"""Answers the TypeScript property tests: one JSON request per line on stdin, one answer per line.

Request: {"doc": TEXT, "dialect": NAME, "session": bool}. Answer: the Python package's verdict,
bytes (ryu), problems (with their kind) and detect() list.
"""

import json
import sys

import agent_conversation as ac
from agent_conversation import sessions


def problems(err):
    return [
        {
            "index": p.index,
            "pointer": p.pointer,
            "line": p.line,
            "column": p.column,
            "message": p.message,
            "kind": p.kind,
            "path": list(p.path),
        }
        for p in err.problems
    ]


def answer(req):
    doc, dialect = req["doc"], req["dialect"]
    if req.get("session"):
        try:
            s = sessions.loads_session(doc, dialect)
            return {
                "ok": True,
                "out": sessions.dumps_session(s, float_format="ryu"),
                "dialect": s.dialect,
            }
        except ac.ConversationError as err:
            return {"ok": False, "problems": problems(err)}
    out = {"detect": ac.detect(doc)}
    try:
        conv = ac.loads(doc, dialect)
        out.update(ok=True, out=ac.dumps(conv, float_format="ryu"), dialect=conv.dialect)
    except ac.ConversationError as err:
        out.update(ok=False, problems=problems(err))
    return out


for line in sys.stdin:
    print(json.dumps(answer(json.loads(line))), flush=True)
