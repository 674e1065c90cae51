#!/usr/bin/env python3
"""A tiny system under test for cross-salebot-lead-to-cleverapp.yaml: every
message a Salebot client writes makes the client a CleverApp contact with
its source recorded, and gets an answer in Salebot. Python 3 standard
library only; the URLs and credentials come from fakebots' FAKEBOTS_*
variables, PORT is where the webhook arrives."""
import json
import os
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

SALEBOT = os.environ["FAKEBOTS_SALEBOT_URL"]
CLEVERAPP = os.environ["FAKEBOTS_CLEVERAPP_URL"]
CLEVERAPP_TOKEN = os.environ["FAKEBOTS_CLEVERAPP_TOKEN"]
CLEVERAPP_BOT = os.environ["FAKEBOTS_CLEVERAPP_BOT_ID"]


def post(url, **params):
    req = urllib.request.Request(
        url, data=json.dumps(params).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


class Webhook(BaseHTTPRequestHandler):
    def do_POST(self):
        event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()
        if event.get("is_input") != 1:
            return
        client = event["client"]
        contact = post(
            f"{CLEVERAPP}/createOrUpdateContact",
            api_token=CLEVERAPP_TOKEN,
            bot_id=int(CLEVERAPP_BOT),
            messenger="telegram",
            telegram_id=int(client["recepient"]),
            name=client["name"],
        )["data"]
        post(
            f"{CLEVERAPP}/setContactVariable",
            api_token=CLEVERAPP_TOKEN,
            contact_id=contact["id"],
            name="Источник",
            value="salebot",
        )
        post(f"{SALEBOT}/message", client_id=client["id"], message="Спасибо, мы получили ваш вопрос!")

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Webhook).serve_forever()
