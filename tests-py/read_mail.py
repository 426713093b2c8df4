"""Reads one e-mail message on stdin with Python's `email` package and prints, as JSON, its
recipients, decoded subject, plain text and any text/calendar part."""

import json
import sys
from email import policy
from email.parser import BytesParser


def main() -> None:
    message = BytesParser(policy=policy.default).parsebytes(sys.stdin.buffer.read())
    text, calendar = "", ""
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.is_attachment():
            text = part.get_content()
        elif part.get_content_type() == "text/calendar":
            calendar = part.get_content() if isinstance(part.get_content(), str) else part.get_content().decode()
    json.dump(
        {"to": str(message["To"]), "from": str(message["From"]), "subject": str(message["Subject"]),
         "text": text, "calendar": calendar},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
