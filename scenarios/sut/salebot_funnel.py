#!/usr/bin/env python3
"""A tiny system under test for salebot-lead-funnel.yaml: Salebot's webhook
arrives here; for every message a client writes, it thanks the client, moves
the deal to the next state and schedules a reminder two hours later.
Python 3 standard library only. fakebots passes FAKEBOTS_SALEBOT_URL (the
API's base, key included) and PORT (where to listen for the webhook)."""
import json
import os
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

API = os.environ["FAKEBOTS_SALEBOT_URL"]


def call(action, **params):
    req = urllib.request.Request(
        f"{API}/{action}",
        data=json.dumps(params).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


class Webhook(BaseHTTPRequestHandler):
    def do_POST(self):
        event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok":true}')
        if event.get("is_input") != 1:
            return  # our own messages come back too
        client = event["client"]["id"]
        call("message", client_id=client, message="Спасибо! Менеджер уже смотрит вашу заявку.")
        call("move_order_to_next_state", client_id=client)
        call("message", client_id=client, message="Напоминаем: ваш счёт ждёт оплаты.", time_shift=7200)

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Webhook).serve_forever()
