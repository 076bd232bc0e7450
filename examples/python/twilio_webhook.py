#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Answers a Twilio voice webhook with routing from the customer's context.

When a call comes in, Twilio POSTs the call's form fields (From, To,
CallSid, ...) to your webhook and plays the TwiML you answer. This script
looks the caller up in omnictx and answers with:

- a known caller the context says should skip self-service (an open case,
  a journey they were just on, on another channel): <Enqueue> straight to
  the agent, skill or queue, with the routing data as TaskRouter task
  attributes so the agent's screen can show why;
- anyone else: <Redirect> to the self-service IVR menu, carrying what is
  known in the URL so the menu can greet them.

Run it as a web server (the webhook), or answer one form body from stdin
or --form (what the tests do)::

    python3 twilio_webhook.py --db contact-centre.db --serve 8080
    python3 twilio_webhook.py --db contact-centre.db --form 'From=%2B33612345678&CallSid=CA1'

Only the standard library and omnictx are used.
"""

from __future__ import annotations

import argparse
import http.server
import json
import sys
import urllib.parse
from xml.sax.saxutils import escape, quoteattr

import omnictx

IVR_MENU_URL = "/ivr/main-menu"
WORKFLOW_SID = "WW00000000000000000000000000000000"  # your TaskRouter workflow


def twiml_for(store: omnictx.Store, form: dict) -> str:
    """Returns the TwiML answering one voice webhook call."""
    caller = form.get("From", "")
    call_sid = form.get("CallSid", "")
    ctx = None
    if caller and caller not in ("anonymous", "+266696687"):  # withheld numbers
        try:
            ctx = store.lookup(phone=caller, channel="ivr")
        except omnictx.InvalidArgumentError:
            ctx = None  # not a phone number we can read: treat as unknown
    if ctx is None or not ctx.known or not ctx.routing.bypass_self_service:
        query = {"CallSid": call_sid}
        if ctx is not None and ctx.known:
            query["customer"] = ctx.customer.id
        url = IVR_MENU_URL + "?" + urllib.parse.urlencode(query)
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>"
                f"<Redirect method=\"POST\">{escape(url)}</Redirect></Response>\n")

    flat = ctx.flat()  # the same flat map an IVR reads
    task = {
        "call_sid": call_sid,
        "customer_id": flat["customer_id"],
        "route_kind": flat["route_kind"],
        "route_target": flat["route_target"],
        "route_reason": flat["route_reason"],
        "priority": int(flat["route_priority"] or 0),
        "case_id": flat.get("case_id", ""),
        "case_owner": flat.get("case_owner", ""),
    }
    greeting = f"Hello {ctx.customer.display_name}. " if ctx.customer.display_name else ""
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>"
            f"<Say>{escape(greeting + 'Connecting you now.')}</Say>"
            f"<Enqueue workflowSid={quoteattr(WORKFLOW_SID)}>"
            f"<Task priority={quoteattr(str(task['priority']))}>"
            f"{escape(json.dumps(task, sort_keys=True))}</Task></Enqueue></Response>\n")


def serve(store: omnictx.Store, port: int) -> None:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the http.server API)
            length = int(self.headers.get("Content-Length") or 0)
            if length > 64 * 1024:
                self.send_error(413, "form too large")
                return
            body = self.rfile.read(length).decode("utf-8", "replace")
            form = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
            answer = twiml_for(store, form).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    # Port 0 takes a free one; the line says which.
    print(f"twilio webhook on http://127.0.0.1:{httpd.server_address[1]}/voice",
          file=sys.stderr, flush=True)
    httpd.serve_forever()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the omnictx database file")
    parser.add_argument("--region", default="FR", help="region of national numbers")
    parser.add_argument("--serve", type=int, metavar="PORT", help="run as a web server")
    parser.add_argument("--form", help="one urlencoded form body (default: stdin)")
    args = parser.parse_args()
    with omnictx.Store.open(args.db, default_region=args.region, create_if_missing=False) as store:
        if args.serve is not None:
            serve(store, args.serve)
            return 0
        body = args.form if args.form is not None else sys.stdin.read()
        form = dict(urllib.parse.parse_qsl(body.strip(), keep_blank_values=True))
        sys.stdout.write(twiml_for(store, form))
    return 0


if __name__ == "__main__":
    sys.exit(main())
